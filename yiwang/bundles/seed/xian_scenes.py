"""The ten themed scenes of seed 003 (附件3, 主题服务场景). The table names a 市级牵头部门 per scene
and a 市级行业主管部门 per item, without ★: the lead agency is the 牵头部门, and the lead item (★)
is the scene's principal item of that agency — our choice, named in each note.
"""

from yiwang.bundles.seed.spec import SeedBundle, m, o, q, yes_no

MSR = "市市场监管局"
ICS = "市人社局"
TRANSPORT = "市交通局"
POLICE = "市公安局"
PER_ITEM = ("matter.description",)
SIGNBOARD = "户外招牌设施设置规范管理"
BLC = "企业营业执照信息核验"
CHOSEN = "主题服务场景表无★：牵头事项为牵头部门的主要事项（本平台选定）"


def scene(no: int, name: str, lead: str, members, questions=(), *, separate=(), note: str = CHOSEN) -> SeedBundle:
    return SeedBundle(f"XA-2024-S-{no:02d}", f"seed 003 附件3 第{no}项", "2024-scene", no, "主题服务场景", name, (lead,), tuple(members),
                      tuple(questions), separate=tuple(separate), note=note)


BUNDLES = [
    scene(1, "高层次人才便利服务", "市委组织部", (
        m("高层次人才评价确认", "市委组织部", lead=True),
        m("“西安英才计划”申报", "市委组织部", after="高层次人才评价确认"),
        m("高层次人才子女就学", "市委组织部", after="高层次人才评价确认"),
        m("高层次人才个人贡献度奖励", "市委组织部", after="高层次人才评价确认"),
        m("高层次人才安居保障", "市住建局", after="高层次人才评价确认"),
    ), (
        yes_no("talent_plan", "申报“西安英才计划”吗？", "", no_excludes="“西安英才计划”申报", yes="申报", no="暂不申报"),
        yes_no("children", "有子女需要安排就学吗？", "", no_excludes="高层次人才子女就学", yes="有", no="没有"),
        yes_no("reward", "申请个人贡献度奖励吗？", "按上年度缴纳个人所得税等贡献核定奖励。", no_excludes="高层次人才个人贡献度奖励",
               yes="申请", no="不申请"),
        yes_no("housing", "需要人才安居保障（租房、购房支持）吗？", "", no_excludes="高层次人才安居保障", yes="需要", no="不需要"),
    ), separate=PER_ITEM),
    scene(2, "二手车出口", "市商务局", (
        m("机动车注册登记", POLICE),
        m("机动车临时行驶车号牌核发", POLICE),
        m("机动车转让待出口登记", POLICE, after="机动车注册登记"),
        m("车辆出口许可", "市商务局", lead=True, after="机动车转让待出口登记"),
        m("车辆出口报关", "关中海关", after="车辆出口许可"),
        m("出口退（免）税申报", "市税务局", after="车辆出口报关"),
        m("机动车注销登记—不在我国境内使用登记", POLICE, after="车辆出口报关"),
    ), (
        yes_no("registered", "车辆已经在我国办理注册登记了吗？", "新车出口须先注册登记，再办理转让待出口登记。", yes_excludes="机动车注册登记",
               yes="已登记", no="未登记"),
        yes_no("temp_plate", "需要临时行驶车号牌把车辆开往口岸吗？", "", no_excludes="机动车临时行驶车号牌核发", yes="需要", no="不需要"),
    ), separate=PER_ITEM),
    scene(3, "港澳旅游签注", POLICE, (
        m("申办往来港澳通行证", POLICE),
        m("申办往来港澳签注", POLICE, lead=True, after="申办往来港澳通行证"),
    ), (
        yes_no("permit", "您已经持有有效的往来港澳通行证吗？", "证件在有效期内的，可直接申请签注。", yes_excludes="申办往来港澳通行证",
               yes="已持有", no="没有或已过期"),
    )),
    scene(4, "新车上牌", POLICE, (
        m("车船税申报", "市税务局"),
        m("车辆购置税申报", "市税务局"),
        m("机动车临时行驶车号牌核发", POLICE),
        m("机动车注册登记—省内登记", POLICE, lead=True, after=("车船税申报", "车辆购置税申报")),
        m("机动车注册登记—省外登记", POLICE, lead=True, after=("车船税申报", "车辆购置税申报")),
    ), (
        q("where", "车辆在哪里办理注册登记？", "在陕西省内购车并登记的为省内登记；省外购车转入本市登记的为省外登记。",
          o("province", "陕西省内", excludes="机动车注册登记—省外登记"),
          o("outside", "陕西省外购车，在本市登记", excludes="机动车注册登记—省内登记")),
        yes_no("temp_plate", "登记前需要临时行驶车号牌吗？", "", no_excludes="机动车临时行驶车号牌核发", yes="需要", no="不需要"),
    ), note=f"{CHOSEN}：省内、省外两项注册登记均为牵头事项，按回答办理其一"),
    scene(5, "人力资源服务许可", ICS, (
        m("人力资源服务许可审批", ICS, lead=True),
        m("人力资源服务机构设立分支机构", ICS, after="人力资源服务许可审批"),
        m("人力资源服务机构备案", ICS),
        m("劳务派遣经营许可", ICS),
        m("劳务派遣分公司经营备案", ICS, after="劳务派遣经营许可"),
    ), (
        yes_no("branch", "要设立人力资源服务分支机构吗？", "", no_excludes="人力资源服务机构设立分支机构", yes="要", no="不要"),
        yes_no("other_services", "除职业中介外，还开展其他人力资源服务（如人力资源外包、培训）吗？", "开展其他人力资源服务的，向人社部门备案。",
               no_excludes="人力资源服务机构备案"),
        q("dispatch", "经营劳务派遣业务吗？", "", o("no", "不经营", excludes=("劳务派遣经营许可", "劳务派遣分公司经营备案")),
          o("yes", "经营，不设分公司", excludes="劳务派遣分公司经营备案"), o("branch", "经营，并设立劳务派遣分公司")),
    ), separate=PER_ITEM),
    scene(6, "超限车辆行驶审批", TRANSPORT, (
        m("特殊车辆在城市道路上行驶（包括经过城市桥梁）审批", "市城管执法局"),
        m("公路超限运输许可", TRANSPORT, lead=True, listed_as="公路超限运输许可（市内）", after="超限车辆行驶时间、路线意见反馈"),
        m("超限车辆行驶时间、路线意见反馈", POLICE),
    ), (
        yes_no("city_road", "行驶路线经过城市道路或者城市桥梁吗？", "", no_excludes="特殊车辆在城市道路上行驶（包括经过城市桥梁）审批",
               yes="经过", no="不经过"),
    )),
    scene(7, "客运车辆营运准入", TRANSPORT, (
        m("客运班线设立延续经营", TRANSPORT, lead=True),
        m("道路运输达标车辆核查（客车）", TRANSPORT, after="客运班线设立延续经营"),
        m("客运车辆《道路运输证》配发", TRANSPORT, after="道路运输达标车辆核查（客车）"),
    )),
    scene(8, "网约车驾驶员资格", TRANSPORT, (
        m("网络预约出租汽车驾驶员资格考试（合格）", TRANSPORT),
        m("网络预约出租汽车驾驶员证核发", TRANSPORT, lead=True, after="网络预约出租汽车驾驶员资格考试（合格）"),
        m("出租汽车驾驶员从业资格注册", TRANSPORT, after="网络预约出租汽车驾驶员证核发"),
    ), (
        yes_no("exam", "已经通过网约车驾驶员从业资格考试了吗？", "考试合格成绩两年内有效。", yes_excludes="网络预约出租汽车驾驶员资格考试（合格）",
               yes="已通过", no="还没有"),
    ), separate=PER_ITEM),
    scene(9, "危险化学品公司经营", "市应急管理局", (
        m("危险化学品经营许可", "市应急管理局", lead=True, after="生产经营单位应急预案的备案"),
        m("第二类非药品类易制毒化学品经营备案", "市应急管理局"),
        m("第三类非药品类易制毒化学品经营备案", "市应急管理局"),
        m("生产经营单位应急预案的备案", "市应急管理局"),
    ), (
        yes_no("precursor2", "经营第二类非药品类易制毒化学品吗？", "如苯乙酸、醋酸酐、三氯甲烷、乙醚、哌啶等。",
               no_excludes="第二类非药品类易制毒化学品经营备案",
               yes="经营", no="不经营"),
        yes_no("precursor3", "经营第三类非药品类易制毒化学品吗？", "如甲苯、丙酮、甲基乙基酮、高锰酸钾、硫酸、盐酸等。",
               no_excludes="第三类非药品类易制毒化学品经营备案", yes="经营", no="不经营"),
    ), separate=PER_ITEM),
    scene(10, "零售药店开办", MSR, (
        m(BLC, MSR),
        m("药品零售企业许可", MSR, lead=True, after=BLC),
        m("第三类医疗器械经营许可", MSR, after=BLC),
        m("第二类医疗器械经营备案", MSR, after=BLC),
        m("预包装食品经营备案", MSR, after=BLC),
        m(SIGNBOARD, "市城管执法局", listed_as="牌匾标识审查登记", after=BLC),
    ), (
        yes_no("device3", "经营第三类医疗器械吗？", "", no_excludes="第三类医疗器械经营许可", yes="经营", no="不经营"),
        yes_no("device2", "经营第二类医疗器械吗？", "如血压计、血糖仪、避孕套等。", no_excludes="第二类医疗器械经营备案", yes="经营", no="不经营"),
        yes_no("food", "销售预包装食品（含保健食品）吗？", "", no_excludes="预包装食品经营备案", yes="销售", no="不销售"),
        yes_no("signboard", "需要设置门头牌匾（户外招牌）吗？", "", no_excludes=SIGNBOARD, yes="需要", no="不需要"),
    ), separate=PER_ITEM,
        note=f"{CHOSEN}；seed 的牵头部门栏写作“市市场监督管理局”（全称），同表行业主管部门栏写作“市市场监管局”：同一机构"),
]
