from django.apps import AppConfig


class SurplusConfig(AppConfig):
    name = "surplus"
    verbose_name = "Surplus reinvestment"

    def ready(self):
        from membership.privacy import registry

        registry.add_copy_part(registry.acted_as("surplus", (
            "surplus.FinancialYear.locked_by", "surplus.Proposal.created_by",
            "surplus.Proposal.decided_by", "surplus.EmploymentCosts.updated_by",
            "surplus.ProposalOptionPicture.added_by")))
