"""URL maps of signing: ``pages`` (Thai pages: the executive's signing page under
/signing/, the public validation page /signatures/validate/) and ``api`` (under /api/).
Validation needs no login (DOMAIN.md §6: anyone can validate a signed letter)."""

from django.urls import path

from saraban.signing import api, validation_views, views

pages: list = [
    path("signing/", views.signing_home, name="home"),
    path("signing/certificates/", views.certificate_import, name="certificate_import"),
    path("signing/certificates/<int:certificate_id>/deactivate/", views.certificate_deactivate,
         name="certificate_deactivate"),
    path("signing/letters/<int:letter_id>/", views.sign_letter, name="sign_letter"),
    path("signing/outgoing/<int:outgoing_id>/", views.sign_outgoing, name="sign_outgoing"),
    path("signing/outgoing/<int:outgoing_id>/signed.pdf", views.outgoing_signed_file, name="outgoing_signed_file"),
    path("signatures/validate/", validation_views.validate_page, name="validate"),
]

api_urls: list = [
    path("signing/certificates", api.CertificatesView.as_view(), name="api-signing-certificates"),
    path("signing/certificates/token", api.TokenCertificateView.as_view(), name="api-signing-token"),
    path("signing/certificates/<int:certificate_id>", api.CertificateView.as_view(),
         name="api-signing-certificate"),
    path("signing/pending", api.PendingView.as_view(), name="api-signing-pending"),
    path("letters/<int:letter_id>/sign", api.SignLetterView.as_view(), name="api-sign-letter"),
    path("letters/<int:letter_id>/signatures", api.LetterSignaturesView.as_view(), name="api-letter-signatures"),
    path("outgoing/<int:outgoing_id>/sign", api.SignOutgoingView.as_view(), name="api-sign-outgoing"),
    path("outgoing/<int:outgoing_id>/signatures", api.OutgoingSignaturesView.as_view(),
         name="api-outgoing-signatures"),
    path("outgoing/<int:outgoing_id>/signed", api.OutgoingSignedFileView.as_view(), name="api-outgoing-signed"),
    path("signatures/validate", validation_views.ValidateView.as_view(), name="api-signatures-validate"),
]
