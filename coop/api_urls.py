"""API routes: the OpenAPI schema, its interactive docs (served locally, no CDN) and /v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from communications.api import MessageViewSet
from meetings.api import AgendaViewSet, MeetingViewSet, NominationViewSet, ProxyViewSet
from membership.api import (
    ApplicationViewSet,
    MemberClassesView,
    MemberViewSet,
    MeView,
    PaymentViewSet,
)
from membership.interests.api import InterestTopicViewSet, InterestViewSet
from surplus.api import ProposalViewSet, YearViewSet
from surplus.api_costs import EmploymentCostsView
from voting.api import BallotViewSet

from .api import SocietyViewSet

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"
MEETING = rf"societies/{SLUG}/meetings/(?P<meeting_id>[0-9]+)"

router = SimpleRouter()
# Ballots first: a vote, the busiest request, is then matched after the fewest patterns.
router.register(rf"societies/{SLUG}/ballots", BallotViewSet, basename="api-ballot")
router.register("societies", SocietyViewSet, basename="api-society")
router.register(rf"societies/{SLUG}/members", MemberViewSet, basename="api-member")
router.register(rf"societies/{SLUG}/applications", ApplicationViewSet,
                basename="api-application")
router.register(rf"societies/{SLUG}/payments", PaymentViewSet, basename="api-payment")
router.register(rf"societies/{SLUG}/interests", InterestViewSet, basename="api-interest")
router.register(rf"societies/{SLUG}/interest-topics", InterestTopicViewSet,
                basename="api-interest-topic")
router.register(rf"societies/{SLUG}/surplus/years", YearViewSet, basename="api-surplus-year")
router.register(rf"societies/{SLUG}/surplus/proposals", ProposalViewSet,
                basename="api-surplus-proposal")
router.register(rf"societies/{SLUG}/meetings", MeetingViewSet, basename="api-meeting")
router.register(rf"societies/{SLUG}/messages", MessageViewSet, basename="api-message")
router.register(rf"{MEETING}/agenda", AgendaViewSet, basename="api-meeting-agenda")
router.register(rf"{MEETING}/proxies", ProxyViewSet, basename="api-meeting-proxy")
router.register(rf"{MEETING}/nominations", NominationViewSet, basename="api-meeting-nomination")

v1 = [
    *router.urls,
    path("me/", MeView.as_view(), name="api-me"),
    path("societies/<slug:slug>/classes/", MemberClassesView.as_view(), name="api-classes"),
    path("societies/<slug:slug>/surplus/employment-costs/", EmploymentCostsView.as_view(),
         name="api-employment-costs"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include(v1)),
]
