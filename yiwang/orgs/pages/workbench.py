"""The staff landing page: the tools each of the user's roles opens."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yiwang.orgs.selectors import workbench_links_for


@login_required
def workbench(request):
    return render(request, "orgs/workbench.html", {"links": workbench_links_for(request.user)})
