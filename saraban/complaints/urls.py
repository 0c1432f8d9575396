"""URL maps of complaints: ``pages`` (Thai web pages, under /complaints/) and ``api``
(under /api/). The tracking pages and ``public/complaints/<code>`` need no login."""

from django.urls import path

from saraban.complaints import api as complaints_api
from saraban.complaints import views

pages: list = [
    path("", views.complaint_list, name="list"),
    path("new/", views.intake, name="new"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_code, name="track_code"),
    path("reports/", views.report_page, name="reports"),
    path("reports/download/", views.report_download, name="report_download"),
    path("<int:complaint_id>/", views.detail, name="detail"),
    path("<int:complaint_id>/<str:step>/", views.step, name="step"),
]

api: list = [
    path("complaints", complaints_api.ComplaintsView.as_view(), name="api-complaints"),
    path("complaints/<int:complaint_id>", complaints_api.ComplaintView.as_view(), name="api-complaint"),
    path("complaints/<int:complaint_id>/analyse", complaints_api.AnalyseView.as_view(), name="api-complaint-analyse"),
    path("complaints/<int:complaint_id>/propose", complaints_api.ProposeView.as_view(), name="api-complaint-propose"),
    path("complaints/<int:complaint_id>/forward", complaints_api.ForwardView.as_view(), name="api-complaint-forward"),
    path("complaints/<int:complaint_id>/notify", complaints_api.NotifyView.as_view(), name="api-complaint-notify"),
    path("complaints/<int:complaint_id>/report", complaints_api.ReportBackView.as_view(), name="api-complaint-report"),
    path("complaints/<int:complaint_id>/check", complaints_api.CheckView.as_view(), name="api-complaint-check"),
    path("complaints/<int:complaint_id>/summarise", complaints_api.SummariseView.as_view(),
         name="api-complaint-summarise"),
    path("complaints/<int:complaint_id>/close", complaints_api.CloseView.as_view(), name="api-complaint-close"),
    path("complaint-reports", complaints_api.ReportView.as_view(), name="api-complaint-reports"),
    path("public/complaints/<str:code>", complaints_api.PublicStatusView.as_view(), name="api-public-complaint"),
]
