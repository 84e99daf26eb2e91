"""The four 雁塔区 services of seed 002 §(三) (首批向街道延伸的“一件事一次办”主题服务). The seed names
them only; their members are defined by this platform from the catalog (handled at 雁塔区政务服务中心
and every street's 便民服务中心), and 雁塔区行政审批服务局 — the seed's 牵头单位 for extending them to
the streets — looks after them. The lead agency is the agency of the principal item.
"""

from yiwang.bundles.seed.spec import SeedBundle, m, o, q, yes_no

STEWARD = "雁塔区行政审批服务局"
ICS = "雁塔区人社局"
NOTE = "seed 002 只列出名称；成员事项由本平台定义"


def yanta(no: int, name: str, members, questions=(), *, separate=()) -> SeedBundle:
    lead = next(member.agencies[0] for member in members if member.lead)
    return SeedBundle(f"YT-2021-{no:02d}", f"seed 002 §(三) 第{no}项", "yanta-2021", no, "街道延伸", name, (lead,), tuple(members),
                      tuple(questions), separate=tuple(separate), steward=STEWARD, note=NOTE)


BUNDLES = [
    yanta(1, "失业一件事", (
        m("失业登记", ICS, lead=True),
        m("失业保险金申领", ICS, after="失业登记"),
        m("就业创业证申领", ICS, after="失业登记"),
        m("基本医疗保险参保和变更登记", "市医疗保障局"),
    ), (
        yes_no("insured", "失业前参加失业保险并缴费满一年吗？", "缴费满一年、非本人意愿中断就业并已办理失业登记的，可以申领失业保险金。",
               no_excludes="失业保险金申领", yes="是", no="否或不清楚"),
        yes_no("card", "需要申领就业创业证吗？", "就业创业证用于享受就业创业扶持政策。", no_excludes="就业创业证申领", yes="需要", no="不需要"),
    )),
    yanta(2, "我要办理老年优待证", (
        m("老年人优待证办理", "雁塔区民政局", lead=True),
        m("高龄老人生活保健补贴申领", "雁塔区民政局"),
    ), (
        yes_no("age80", "老人年满80周岁了吗？", "年满80周岁的本区户籍老人可以申领高龄老人生活保健补贴。", no_excludes="高龄老人生活保健补贴申领",
               yes="已满", no="未满"),
    )),
    yanta(3, "我要申请法律援助", (
        m("法律援助申请", "雁塔区司法局", lead=True, after="低保、特困、低收入人员信息核验"),
        m("公共法律服务咨询", "雁塔区司法局"),
        m("低保、特困、低收入人员信息核验", "市民政局"),
    ), (
        q("assistance", "申请人享受最低生活保障、特困供养，或者属于低收入家庭吗？",
          "属于的，由民政部门核验身份，免于提交经济困难状况说明。",
          o("yes", "是", drops=(("法律援助申请", "经济困难状况说明"),)), o("no", "否", excludes="低保、特困、低收入人员信息核验")),
        yes_no("consult", "申请前想先咨询律师吗？", "", no_excludes="公共法律服务咨询", yes="想", no="不需要"),
    ), separate=("matter.description",)),
    yanta(4, "小餐饮一件事", (
        m("小餐饮经营许可", "雁塔区市场监管局", lead=True, after="个体工商户设立登记"),
        m("个体工商户设立登记", "雁塔区市场监管局"),
        m("户外招牌设施设置规范管理", "市城管执法局", after="个体工商户设立登记"),
    ), (
        yes_no("licensed", "已经领取营业执照了吗？", "还没有的，先办理个体工商户设立登记，营业执照由部门共享，无需再交。",
               yes_excludes="个体工商户设立登记", yes="已领取", no="还没有"),
        yes_no("signboard", "需要设置户外招牌吗？", "", no_excludes="户外招牌设施设置规范管理", yes="需要", no="不需要"),
    )),
]
