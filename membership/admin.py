from django.contrib import admin

from .models import Application, ClassChangeRequest, Member, MemberClass, RegisterChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """The register is changed through the officers' pages, which keep history and audit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberClass)
class MemberClassAdmin(ReadOnlyAdmin):
    list_display = ["name", "society", "votes", "weight"]
    list_filter = ["society"]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["membership_number", "full_name", "society", "member_class", "admitted_on",
                    "ceased_on"]
    list_filter = ["society", "member_class"]
    search_fields = ["full_name", "email", "postcode"]
    list_select_related = ["society", "member_class"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "society", "member_class", "submitted_at", "approved_at",
                    "rejected_at"]
    list_filter = ["society"]
    list_select_related = ["society", "member_class"]


admin.site.register(RegisterChange, ReadOnlyAdmin)
admin.site.register(ClassChangeRequest, ReadOnlyAdmin)
