"""URL map: Thai pages, the REST API under /api/, its OpenAPI schema and docs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from saraban.complaints import urls as complaints_urls
from saraban.core import views as core_views
from saraban.notifications import urls as notifications_urls
from saraban.registry import api as registry_api
from saraban.registry import views as registry_views
from saraban.routing import api as routing_api
from saraban.routing import dashboard as routing_dashboard
from saraban.routing import dashboard_api as routing_dashboard_api
from saraban.routing import views as routing_views
from saraban.search import api as search_api
from saraban.search import views as search_views
from saraban.signing import urls as signing_urls

registry_pages = (
    [
        path("", registry_views.intake, name="intake"),
        path("no-file/", registry_views.register_without_file, name="no_file"),
        path("book/", registry_views.register_book, name="book"),
        path("book/<str:code>/reserve/", registry_views.book_reserve, name="book_reserve"),
        path("book/<str:code>/close/", registry_views.book_close, name="book_close"),
        path("book/entries/<int:entry_id>/cancel/", registry_views.book_cancel, name="book_cancel"),
        path("book/entries/<int:entry_id>/correct/", registry_views.book_correct, name="book_correct"),
        path("<int:letter_id>/", registry_views.letter_detail, name="letter"),
        path("<int:letter_id>/confirm/", registry_views.confirm, name="confirm"),
        path("<int:letter_id>/reading/", registry_views.reading_status, name="reading"),
        path("<int:letter_id>/page/<int:page>.png", registry_views.page_image, name="page"),
        path("<int:letter_id>/file/<str:role>/", registry_views.letter_file, name="file"),
        path("<int:letter_id>/stamp/", registry_views.stamp, name="stamp"),
        path("<int:letter_id>/retention/", registry_views.set_retention, name="retention"),
    ],
    "registry",
)
outgoing_pages = (
    [
        path("", registry_views.outgoing_list, name="list"),
        path("<int:outgoing_id>/", registry_views.outgoing_detail, name="detail"),
        path("<int:outgoing_id>/send/", registry_views.outgoing_send, name="send"),
    ],
    "outgoing",
)
retention_pages = (
    [
        path("", registry_views.retention_lists, name="list"),
        path("<int:list_id>/", registry_views.retention_detail, name="detail"),
        path("<int:list_id>/approve/", registry_views.retention_approve, name="approve"),
        path("<int:list_id>/destroy/", registry_views.retention_destroy, name="destroy"),
    ],
    "retention",
)
routing_pages = (
    [
        path("inbox/", routing_views.inbox, name="inbox"),
        path("dashboard/", routing_dashboard.dashboard, name="dashboard"),
        path("holidays/", routing_dashboard.holidays, name="holidays"),
        path("holidays/<int:holiday_id>/delete/", routing_dashboard.holiday_delete, name="holiday_delete"),
        path("letters/<int:letter_id>/route/", routing_views.route, name="route"),
        path("routes/<int:route_id>/acknowledge/", routing_views.acknowledge, name="acknowledge"),
        path("routes/<int:route_id>/<str:action>/", routing_views.route_action, name="route_action"),
        path("letters/<int:letter_id>/routing/<str:action>/", routing_views.letter_action, name="letter_action"),
    ],
    "routing",
)

api = [
    path("letters/intake", registry_api.IntakeView.as_view(), name="api-intake"),
    path("letters", registry_api.LetterListCreateView.as_view(), name="api-letters"),
    path("letters/<int:letter_id>", registry_api.LetterDetailView.as_view(), name="api-letter"),
    path("letters/<int:letter_id>/confirm", registry_api.ConfirmView.as_view(), name="api-confirm"),
    path("letters/<int:letter_id>/files/<str:role>", registry_api.LetterFileView.as_view(), name="api-letter-file"),
    path("letters/<int:letter_id>/receive-slip", registry_api.ReceiveSlipView.as_view(), name="api-receive-slip"),
    path("letters/<int:letter_id>/stamp", registry_api.StampView.as_view(), name="api-stamp"),
    path("letters/<int:letter_id>/retention", registry_api.RetentionView.as_view(), name="api-retention"),
    path("registers", registry_api.RegistersView.as_view(), name="api-registers"),
    path("registers/<str:code>/book", registry_api.BookView.as_view(), name="api-book"),
    path("registers/<str:code>/reservations", registry_api.ReservationsView.as_view(), name="api-reservations"),
    path("registers/<str:code>/close", registry_api.CloseYearView.as_view(), name="api-close-year"),
    path("register-entries/<int:entry_id>/cancel", registry_api.CancelReservationView.as_view(), name="api-cancel"),
    path("register-entries/<int:entry_id>/correct", registry_api.CorrectEntryView.as_view(), name="api-correct"),
    path("outgoing", registry_api.OutgoingListView.as_view(), name="api-outgoing"),
    path("outgoing/<int:outgoing_id>", registry_api.OutgoingDetailView.as_view(), name="api-outgoing-detail"),
    path("outgoing/<int:outgoing_id>/send", registry_api.OutgoingSendView.as_view(), name="api-outgoing-send"),
    path("outgoing/<int:outgoing_id>/pdf", registry_api.OutgoingPdfView.as_view(), name="api-outgoing-pdf"),
    path("destruction-lists", registry_api.DestructionListsView.as_view(), name="api-destruction-lists"),
    path("destruction-lists/<int:list_id>", registry_api.DestructionListView.as_view(), name="api-destruction-list"),
    path("destruction-lists/<int:list_id>/approve", registry_api.ApproveListView.as_view(), name="api-approve-list"),
    path("destruction-lists/<int:list_id>/destroy", registry_api.DestroyView.as_view(), name="api-destroy"),
    path("letters/<int:letter_id>/routes", routing_api.LetterRoutesView.as_view(), name="api-routes"),
    path("routes/<int:route_id>/acknowledge", routing_api.AcknowledgeView.as_view(), name="api-acknowledge"),
    path("routes/<int:route_id>/receive", routing_api.ReceiveView.as_view(), name="api-receive"),
    path("routes/<int:route_id>/return", routing_api.ReturnView.as_view(), name="api-return"),
    path("routes/<int:route_id>/done", routing_api.DoneView.as_view(), name="api-done"),
    path("routes/<int:route_id>/endorse", routing_api.EndorseView.as_view(), name="api-endorse"),
    path("letters/<int:letter_id>/forward", routing_api.ForwardView.as_view(), name="api-forward"),
    path("letters/<int:letter_id>/propose", routing_api.ProposeView.as_view(), name="api-propose"),
    path("letters/<int:letter_id>/close", routing_api.CloseView.as_view(), name="api-close"),
    path("letters/<int:letter_id>/timeline", routing_api.TimelineView.as_view(), name="api-timeline"),
    path("proposals", routing_api.ProposalsView.as_view(), name="api-proposals"),
    path("acting-assignments", routing_api.ActingView.as_view(), name="api-acting"),
    path("delegations", routing_api.DelegationView.as_view(), name="api-delegations"),
    path("inbox", routing_api.InboxView.as_view(), name="api-inbox"),
    path("routing/suggest", routing_api.SuggestView.as_view(), name="api-suggest"),
    path("kpis", routing_dashboard_api.KpisView.as_view(), name="api-kpis"),
    path("overdue", routing_dashboard_api.OverdueView.as_view(), name="api-overdue"),
    path("search", search_api.SearchView.as_view(), name="api-search"),
    *notifications_urls.api,
    *complaints_urls.api,
    *signing_urls.api_urls,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("letters/", include(registry_pages)),
    path("outgoing/", include(outgoing_pages)),
    path("retention/", include(retention_pages)),
    path("", include(routing_pages)),
    path("search/", search_views.search, name="search"),
    path("notifications/", include((notifications_urls.pages, "notifications"))),
    path("complaints/", include((complaints_urls.pages, "complaints"))),
    path("", include((signing_urls.pages, "signing"))),
    path("api/", include(api)),
    path("admin/", admin.site.urls),
]
