"""The society's employment costs rules in the API, under
`societies/{slug}/surplus/employment-costs/`: every member and officer reads them (they decide
what a PA pay option buys); the treasurer and the board change them, audited, through the same
service as the web page. A rate out of range is a 400 naming the field."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    SLUG_PARAMETER,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    SocietyScopedMixin,
    refusals,
)

from . import employment
from .api import CanManageAccounts
from .serializers_pay import EmploymentCostsSerializer, costs_payload


@extend_schema(tags=["surplus"], parameters=[SLUG_PARAMETER])
class EmploymentCostsView(SocietyScopedMixin, GenericAPIView):
    serializer_class = EmploymentCostsSerializer

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsAuthenticated(), CanManageAccounts()]
        return [IsAuthenticated()]

    @extend_schema(summary="The employment costs rules used to price PA pay",
                   responses={200: EmploymentCostsSerializer, 401: UNAUTHENTICATED,
                              404: NOT_FOUND})
    def get(self, request, slug):
        return Response(EmploymentCostsSerializer(
            costs_payload(employment.costs_for(self.society))).data)

    @extend_schema(summary="Change the employment costs rules (the treasurer and the board)",
                   description="Send only what changes. Percentages are 0 to 100; the pension "
                               "upper limit must be above the lower; wages above £0.",
                   request=EmploymentCostsSerializer,
                   responses={200: EmploymentCostsSerializer, 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, slug):
        body = EmploymentCostsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with refusals():
            costs = employment.update_costs(self.society, by=request.user,
                                            **body.validated_data)
        return Response(EmploymentCostsSerializer(costs_payload(costs)).data)
