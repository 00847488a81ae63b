"""The treasurer's employment costs page: the rules that turn a sum into PA pay after
holiday pay, National Insurance and pensions, and the living wage rates to compare with."""

from django.contrib import messages
from django.shortcuts import redirect, render

from coop.decorators import society_context, society_view

from . import employment
from .forms import EmploymentCostsForm
from .models import EmploymentCosts
from .permissions import can_manage_accounts
from .views_officer import problems


@society_view(can_manage_accounts)
def employment_costs(request, society):
    costs = employment.costs_for(society)
    initial = {name: getattr(costs, name) for name in EmploymentCosts.RULE_FIELDS}
    form = EmploymentCostsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employment.update_costs(society, by=request.user, **form.cleaned_data)
        except employment.EmploymentCostsError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The employment costs are saved. PA pay options now "
                                      "use them.")
            return redirect("employment_costs", society.slug)
    return render(request, "surplus/officer/employment_costs.html", society_context(
        request, society, problems=problems(form), form=form, costs=costs))
