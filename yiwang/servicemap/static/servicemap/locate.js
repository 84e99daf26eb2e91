/* "使用我的位置": fill the search form with the phone's location (WGS84, as browsers give it)
   and submit. Without JavaScript or without permission the other ways of giving a place work. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("locate");
    if (!button || !("geolocation" in navigator)) { return; }
    var form = button.form;
    var status = document.getElementById("locate-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "正在获取您的位置……";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lng.value = position.coords.longitude.toFixed(6);
        form.elements.crs.value = "wgs84";
        if (form.elements.near) { form.elements.near.value = ""; }
        status.textContent = "已获取位置，正在查找附近网点……";
        form.submit();
      }, function () {
        button.disabled = false;
        status.textContent = "未能获取位置（可能未授权）。请从下面的列表选择一个附近的地点。";
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });
})();
