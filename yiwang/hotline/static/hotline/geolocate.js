// Fill the latitude/longitude inputs from the device's position (a visit check-in, an appeal's
// place). A file of its own rather than inline script, so the Content-Security-Policy fits.
// Browsers give WGS84 (the W3C Geolocation API), so the datum field is set to wgs84.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-geolocate]");
  if (!button || !navigator.geolocation) return;
  var form = button.form, status = document.getElementById(button.dataset.geolocate);
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude.toFixed(6);
    form.elements.lng.value = pos.coords.longitude.toFixed(6);
    if (form.elements.datum) form.elements.datum.value = "wgs84";
    if (status) status.textContent = "已获取当前位置。";
  }, function () { if (status) status.textContent = "无法获取位置，请手动填写经纬度。"; });
});
