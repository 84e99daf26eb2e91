/* The wizard's locker list, "使用我的位置": put the phone's position (WGS84, as browsers give it)
   into the form and send it with the "sort by place" button, so the draft is saved and the
   lockers come back nearest first. Without JavaScript, or when the position is refused, the
   district/street list and its button do the same. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("locate-lockers");
    var submitter = document.getElementById("locate-by-area");
    if (!button || !submitter || !("geolocation" in navigator)) { return; }
    var form = button.form;
    var status = document.getElementById("locate-lockers-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "正在获取您的位置……";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lng.value = position.coords.longitude.toFixed(6);
        status.textContent = "已获取位置，正在按距离排列信包箱……";
        if (form.requestSubmit) {
          form.requestSubmit(submitter);
        } else {
          var nav = document.createElement("input");
          nav.type = "hidden";
          nav.name = "nav";
          nav.value = "locate";
          form.appendChild(nav);
          form.submit();
        }
      }, function () {
        button.disabled = false;
        status.textContent = "未能获取位置（可能未授权）。请在下面选择您所在的区县或街道。";
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });
})();
