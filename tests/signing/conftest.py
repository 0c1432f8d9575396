"""Signing fixtures: a real test PKI (CA, TSA, an executive's certificate) with its CRL,
OCSP and timestamp responder running on loopback, trusted through the setting; letters
rendered by the project; NSS databases for poppler's ``pdfsig``."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import pytest

from saraban.signing import pki, responder


@dataclass
class World:
    """The running test PKI: ``authority`` (its ``base_url`` is the responder's),
    ``server`` (``hits`` counts requests), ``tsa_url``, ``roots_dir`` (the trusted-roots
    directory holding the CA), and an executive's ``key``/``certificate`` with their
    PKCS#12 file ``p12`` (password ``PASSWORD``)."""

    authority: pki.Authority
    server: responder.Responder
    tsa_url: str
    roots_dir: object
    key: object
    certificate: object
    p12: bytes

    def issue(self, common_name: str = "นางสาวทดสอบ ลงนาม", **kwargs):
        """A new ``(key, certificate)`` from the CA."""
        return pki.issue(self.authority, common_name=common_name, organisation="สำนักงานปลัดกระทรวง", **kwargs)

    def pkcs12(self, key, certificate, password: str = "") -> bytes:
        return pki.pkcs12_bytes(key, certificate, [self.authority.certificate], password or PASSWORD)


PASSWORD = "รหัสลงนาม-2569"


@pytest.fixture(scope="session")
def pki_world(tmp_path_factory):
    """One CA and responder for the whole run."""
    authority = pki.create_authority(common_name="Saraban Test CA", organisation="สำนักงานปลัดกระทรวง")
    tsa = pki.issue(authority, common_name="Saraban Test TSA", organisation="สำนักงานปลัดกระทรวง", purpose="tsa")
    roots = tmp_path_factory.mktemp("trusted-roots")
    (roots / "saraban-test-ca.pem").write_bytes(pki.pem(authority.certificate))
    with responder.serving(authority, tsa=tsa) as server:
        authority.base_url = server.base_url
        key, certificate = pki.issue(authority, common_name="นายสมชาย ใจดี", organisation="สำนักงานปลัดกระทรวง",
                                     title="ปลัดกระทรวง")
        yield World(authority=authority, server=server, tsa_url=f"{server.base_url}/tsa", roots_dir=roots, key=key,
                    certificate=certificate,
                    p12=pki.pkcs12_bytes(key, certificate, [authority.certificate], PASSWORD))


@pytest.fixture
def trusted(settings, pki_world):
    """The test CA is the trusted root; no TSA unless a test sets one."""
    settings.SARABAN_SIGNING_TRUST_ROOTS = [pki_world.roots_dir]
    settings.SARABAN_SIGNING_TSA_URL = ""
    settings.SARABAN_SIGNING_FETCH_REVOCATION = True
    return pki_world


@lru_cache(maxsize=4)
def letter_pdf(subject: str = "ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์") -> bytes:
    """A one-page Thai letter rendered by WeasyPrint (as the outgoing templates are)."""
    import weasyprint

    return weasyprint.HTML(string=(
        "<html><body style='font-family:Laksaman;font-size:16pt'>"
        f"<p>ที่ พม ๐๒๐๑/๑๒๓</p><p>เรื่อง {subject}</p><p>เรียน ผู้อำนวยการกองกลาง</p>"
        "<p>ด้วยสำนักงานปลัดกระทรวงจะจัดประชุม จึงเรียนมาเพื่อโปรดทราบ</p></body></html>")).write_pdf()


def nss_db(tmp_path, ca_pem: bytes | None) -> str:
    """An NSS database (``sql:`` dir) for ``pdfsig -nssdir``, trusting ``ca_pem`` when
    given. Skips when poppler/NSS tools are missing."""
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        pytest.skip("poppler-utils / libnss3-tools are not installed")
    db = tmp_path / "nss"
    db.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    if ca_pem:
        (tmp_path / "ca.pem").write_bytes(ca_pem)
        subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "saraban-test-ca", "-t", "CT,C,C",
                        "-i", str(tmp_path / "ca.pem")], check=True, capture_output=True)
    return f"sql:{db}"


def pdfsig(pdf: bytes, tmp_path, nssdir: str) -> str:
    """``pdfsig``'s report of ``pdf`` with the NSS database ``nssdir``.

    Online OCSP stays on (the test CA's responder answers on loopback): with
    ``-no-ocsp``, poppler 22.12 reports "Unknown issue with Certificate" even for a good
    chain, because it reads a stale NSS error after a successful verification."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory, pki_world):
    """A SoftHSM token holding an executive's RSA key (label ``signing``) and certificate.

    One token directory for the whole run: SoftHSM reads its configuration when the
    module is initialised, once per process (see ``saraban.signing.tokens``)."""
    from types import SimpleNamespace

    from saraban.signing import tokens

    key, certificate = pki_world.issue("นางสาวโทเคน ทดสอบ", title="อธิบดีกรมทดสอบ")
    directory = tmp_path_factory.mktemp("softhsm")
    info = tokens.provision_softhsm_key(directory, key, certificate)
    return SimpleNamespace(info=info, directory=directory, key=key, certificate=certificate,
                           ca=pki_world.authority.certificate)
