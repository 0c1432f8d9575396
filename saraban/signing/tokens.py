"""Keys on a PKCS#11 token or HSM, used in place.

The private key never leaves the token: the service opens a session on the token with
the PIN the owner types at the moment of signing (the second factor of issue 7), lets
pyHanko ask the token for one signature (``C_Sign``, through python-pkcs11 and
:class:`pyhanko.sign.pkcs11.PKCS11Signer`), and closes the session — which logs the
token out — whatever happens. The PIN is passed to the token and nowhere else: it is
never stored, logged, nor put in an error text.

Production use (:func:`token_signer`, :func:`read_token_certificate`): the module is
the agency's PKCS#11 library (``SARABAN_PKCS11_MODULE``), the token is found by its
label (``CKA_LABEL`` of the token, ``CK_TOKEN_INFO.label``) and the key by its object
label (``CKA_LABEL`` of a ``CKO_PRIVATE_KEY`` that may sign); the certificate is the
``CKO_CERTIFICATE`` with the same label (or, failing that, the same ``CKA_ID``) as the
key. Errors, all :class:`~saraban.core.errors.DomainError` with a Thai message naming the
token label:

- wrong PIN → NotAllowed ``wrong_secret`` (the caller counts it, see
  ``services._count_wrong_secret``); the message warns when the token says the next
  wrong PIN locks it (``CKF_USER_PIN_FINAL_TRY``);
- PIN locked on the token (``CKF_USER_PIN_LOCKED`` or ``CKR_PIN_LOCKED``) → NotAllowed
  ``pin_locked``; PIN expired (``CKR_PIN_EXPIRED``) → NotAllowed ``pin_expired``;
- the module cannot be loaded → ServiceUnavailable ``token_module_unavailable``; no
  token with that label (not plugged in, wrong label) → ServiceUnavailable
  ``token_not_found``; any other token failure → ServiceUnavailable ``token_error``;
- no key with that label, more than one, or a key that does not belong to the
  certificate → InvalidInput ``token_key_not_found`` / ``token_key_ambiguous`` /
  ``token_key_mismatch``; no certificate next to the key → InvalidInput
  ``token_certificate_not_found``.

Development and tests only (SoftHSM 2, ``softhsm2-util`` from the OS package
``softhsm2``): :func:`softhsm_environment`, :func:`init_token`,
:func:`import_key_and_certificate`, :func:`reload_module` and
:func:`provision_softhsm_key`. They put a private key in software — never use them
for a real executive's key.

How SoftHSM is made to work inside one process (the tests):

- SoftHSM reads its configuration file (``SOFTHSM2_CONF``, default
  ``/etc/softhsm/softhsm2.conf``) and scans its token directory in ``C_Initialize``,
  i.e. when the module is first loaded in the process; python-pkcs11 loads a module
  once per process and path (``pkcs11.lib`` caches it) and never initialises it again
  by itself.
- So a token made afterwards by ``softhsm2-util`` (another process) is invisible to
  this process, and so is a change of ``SOFTHSM2_CONF``, until the module is finalised
  and initialised again: :func:`reload_module` (``C_Finalize`` + ``C_Initialize``).
- :func:`provision_softhsm_key` does it all: writes ``<directory>/softhsm2.conf``, sets
  ``os.environ["SOFTHSM2_CONF"]`` to it (process-wide, also seen by subprocesses), makes
  the token with ``softhsm2-util`` when it is not there yet, reloads the module, and
  writes the key and certificate with python-pkcs11. Call it at fixture set-up, when no
  session is open: reloading closes every session of that module in the process.
- One SoftHSM token directory is active per process at a time — the last one
  provisioned. Tokens provisioned earlier from another directory become invisible;
  share one session-scoped fixture (several tokens can live in one directory, with
  different labels) or provision again before use.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from saraban.core.errors import InvalidInput, NotAllowed, ServiceUnavailable
from saraban.signing.trust import as_asn1

log = logging.getLogger(__name__)

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"  #: Debian/Ubuntu path of SoftHSM 2's module

_LOCK = threading.Lock()  # python-pkcs11's module cache is not thread-safe


# ----------------------------------------------------------------------------- messages

def _msg_module(label: str) -> str:
    return (f"ใช้โทเคน \"{label}\" ไม่ได้ เพราะเปิดไลบรารี PKCS#11 ของโทเคน/HSM ไม่ได้ "
            "กรุณาแจ้งผู้ดูแลระบบให้ตรวจการติดตั้งและค่า SARABAN_PKCS11_MODULE")


def _msg_no_token(label: str) -> str:
    return (f"ไม่พบโทเคน \"{label}\" กรุณาเสียบโทเคนแล้วลองใหม่ "
            "หรือแจ้งผู้ดูแลระบบให้ตรวจชื่อโทเคนของใบรับรองนี้")


def _msg_wrong_pin(label: str, final_try: bool) -> str:
    text = f"รหัส PIN ของโทเคน \"{label}\" ไม่ถูกต้อง กรุณาพิมพ์ใหม่"
    if final_try:
        text += " (ระวัง: หากพิมพ์ผิดอีกครั้ง โทเคนจะถูกล็อก)"
    return text


def _msg_locked(label: str) -> str:
    return (f"โทเคน \"{label}\" ถูกล็อก เพราะใส่รหัส PIN ผิดเกินจำนวนครั้งที่กำหนด ลงนามไม่ได้ "
            "กรุณาติดต่อผู้ดูแลโทเคนเพื่อปลดล็อก (ต้องใช้ SO PIN)")


def _msg_expired(label: str) -> str:
    return f"รหัส PIN ของโทเคน \"{label}\" หมดอายุ กรุณาเปลี่ยนรหัส PIN ด้วยโปรแกรมของโทเคนก่อนลงนาม"


def _msg_token_error(label: str) -> str:
    return (f"ใช้โทเคน \"{label}\" ไม่ได้ในขณะนี้ กรุณาตรวจว่าโทเคนยังเสียบอยู่แล้วลองใหม่ "
            "หากยังไม่ได้ กรุณาแจ้งผู้ดูแลระบบ")


def _msg_no_key(label: str, key_label: str) -> str:
    return (f"ไม่พบกุญแจลงนาม \"{key_label}\" บนโทเคน \"{label}\" "
            "กรุณาแจ้งผู้ดูแลระบบให้ตรวจชื่อกุญแจของใบรับรองนี้")


def _msg_many_keys(label: str, key_label: str) -> str:
    return (f"บนโทเคน \"{label}\" มีกุญแจชื่อ \"{key_label}\" มากกว่าหนึ่งดอก จึงไม่รู้ว่าจะใช้ดอกใด "
            "กรุณาแจ้งผู้ดูแลระบบให้ตั้งชื่อกุญแจไม่ให้ซ้ำกัน")


def _msg_mismatch(label: str, key_label: str) -> str:
    return (f"กุญแจ \"{key_label}\" บนโทเคน \"{label}\" ไม่ตรงกับใบรับรองที่ลงทะเบียนไว้ "
            "กรุณาแจ้งผู้ดูแลระบบให้ลงทะเบียนใบรับรองของโทเคนนี้ใหม่")


def _msg_no_certificate(label: str, key_label: str) -> str:
    return (f"ไม่พบใบรับรองคู่กับกุญแจ \"{key_label}\" บนโทเคน \"{label}\" "
            "กรุณาให้ผู้ดูแลโทเคนบันทึกใบรับรองลงโทเคนโดยใช้ชื่อเดียวกับกุญแจ")


# ----------------------------------------------------------------------------- sessions

def _load(module: str, token_label: str):
    """The python-pkcs11 ``lib`` of ``module`` (loaded and initialised once per process)."""
    import pkcs11

    if not module:
        from django.conf import settings

        module = settings.SARABAN_PKCS11_MODULE
    try:
        with _LOCK:
            return pkcs11.lib(module)
    except pkcs11.PKCS11Error as exc:
        log.warning("signing: PKCS#11 module %s not usable for token %r (%s: %s)", module, token_label,
                    type(exc).__name__, exc)
        raise ServiceUnavailable(_msg_module(token_label), code="token_module_unavailable") from exc


def _find_token(lib, token_label: str):
    """The token labelled ``token_label`` in any slot of ``lib``, or None."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import find_token

    try:
        return find_token(lib.get_slots(), token_criteria=TokenCriteria(label=token_label))
    except pkcs11.PKCS11Error as exc:
        log.warning("signing: listing the slots for token %r failed (%s: %s)", token_label, type(exc).__name__, exc)
        raise ServiceUnavailable(_msg_token_error(token_label), code="token_error") from exc


def _flags(token) -> int:
    """The token's current flags (``CK_TOKEN_INFO.flags``, read again from its slot)."""
    try:
        return int(token.slot.get_token().flags)
    except Exception:  # noqa: BLE001 — only used to word a message
        return int(token.flags)


@contextlib.contextmanager
def _user_session(module: str, token_label: str, pin: str, *, rw: bool = False) -> Iterator:
    """An open python-pkcs11 session on token ``token_label``, logged in as the user
    with ``pin``, closed (and so logged out) when the block ends, whatever happens.

    The steps of pyHanko's ``open_pkcs11_session`` (load the module, ``find_token`` by
    label, open with the user PIN), done one by one so that each failure gets its own
    Thai message. A python-pkcs11 error inside the block becomes ServiceUnavailable
    (``token_error``).
    """
    import pkcs11
    from pkcs11 import TokenFlag

    lib = _load(module, token_label)
    token = _find_token(lib, token_label)
    if token is None:
        raise ServiceUnavailable(_msg_no_token(token_label), code="token_not_found", token=token_label)
    if not pin:
        raise NotAllowed(_msg_wrong_pin(token_label, False), code="wrong_secret", token=token_label)
    if token.flags & TokenFlag.USER_PIN_LOCKED:
        raise NotAllowed(_msg_locked(token_label), code="pin_locked", token=token_label)
    try:
        session = token.open(rw=rw, user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        flags = _flags(token)
        log.info("signing: wrong PIN for token %r", token_label)
        if flags & TokenFlag.USER_PIN_LOCKED:
            raise NotAllowed(_msg_locked(token_label), code="pin_locked", token=token_label) from None
        raise NotAllowed(_msg_wrong_pin(token_label, bool(flags & TokenFlag.USER_PIN_FINAL_TRY)),
                         code="wrong_secret", token=token_label) from None
    except pkcs11.PinLocked:
        raise NotAllowed(_msg_locked(token_label), code="pin_locked", token=token_label) from None
    except pkcs11.PinExpired:
        raise NotAllowed(_msg_expired(token_label), code="pin_expired", token=token_label) from None
    except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised, pkcs11.DeviceRemoved) as exc:
        raise ServiceUnavailable(_msg_no_token(token_label), code="token_not_found", token=token_label) from exc
    except pkcs11.PKCS11Error as exc:
        log.warning("signing: opening a session on token %r failed (%s)", token_label, type(exc).__name__)
        raise ServiceUnavailable(_msg_token_error(token_label), code="token_error", token=token_label) from exc
    try:
        yield session
    except pkcs11.PKCS11Error as exc:
        log.warning("signing: token %r failed (%s: %s)", token_label, type(exc).__name__, exc)
        raise ServiceUnavailable(_msg_token_error(token_label), code="token_error", token=token_label) from exc
    finally:
        try:
            session.close()
        except pkcs11.PKCS11Error as exc:  # the token was pulled out: nothing left to close
            log.info("signing: closing the session on token %r: %s", token_label, type(exc).__name__)


def _signing_key(session, token_label: str, key_label: str):
    """The one private key labelled ``key_label`` that may sign (the object pyHanko's
    ``PKCS11Signer`` will look up: same query)."""
    from pkcs11 import Attribute, ObjectClass

    found = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.SIGN: True,
                                      Attribute.LABEL: key_label}))
    if not found:
        raise InvalidInput(_msg_no_key(token_label, key_label), code="token_key_not_found", token=token_label,
                           key=key_label)
    if len(found) > 1:
        raise InvalidInput(_msg_many_keys(token_label, key_label), code="token_key_ambiguous", token=token_label,
                           key=key_label)
    return found[0]


def _matches(session, key, certificate: x509.Certificate) -> bool | None:
    """Whether token ``key`` belongs to ``certificate``: RSA by the modulus of the key
    object, EC by the point of the public-key object with the same ``CKA_ID``; None
    when the token does not say."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    public = certificate.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            return int.from_bytes(key[Attribute.MODULUS], "big") == public.public_numbers().n
        if isinstance(public, ec.EllipticCurvePublicKey):
            from asn1crypto.core import OctetString

            point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            for candidate in session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                                                  Attribute.ID: key[Attribute.ID]}):
                value = candidate[Attribute.EC_POINT]
                if value in (point, OctetString(point).dump()):
                    return True
            return None
    except (pkcs11.PKCS11Error, KeyError, NotImplementedError):
        return None
    return None


def _crypto(certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(as_asn1(certificate).dump())


@contextlib.contextmanager
def token_signer(*, module: str, token_label: str, key_label: str, pin: str, certificate,
                 other_certs: Iterable = ()) -> Iterator:
    """A pyHanko ``Signer`` that signs with key ``key_label`` on token ``token_label``
    while the block runs; the session is closed when the block ends, whatever happens.

    ``module``: path of the PKCS#11 library ("" : ``SARABAN_PKCS11_MODULE``).
    ``certificate``: the signer's certificate (asn1crypto, ``cryptography`` or DER
    bytes); ``other_certs``: its issuers (same kinds), embedded in the signature.
    The key is looked up (and checked against ``certificate``) before the block starts,
    so a wrong label fails here with a clear message, not inside pyHanko. ECDSA keys
    sign with the raw ``CKM_ECDSA`` mechanism over a digest made in the service (what
    every token supports); RSA with ``CKM_SHA256_RSA_PKCS`` (or the digest pyHanko
    picks).

    Raises NotAllowed (``wrong_secret``, ``pin_locked``, ``pin_expired``), InvalidInput
    (``token_key_not_found``, ``token_key_ambiguous``, ``token_key_mismatch``),
    ServiceUnavailable (``token_module_unavailable``, ``token_not_found``,
    ``token_error``) — see the module docstring.
    """
    from pyhanko.sign.pkcs11 import PKCS11Signer

    signing_cert = as_asn1(certificate)
    chain = [as_asn1(c) for c in other_certs]
    with _user_session(module, token_label, pin) as session:
        key = _signing_key(session, token_label, key_label)
        if _matches(session, key, _crypto(signing_cert)) is False:
            raise InvalidInput(_msg_mismatch(token_label, key_label), code="token_key_mismatch", token=token_label,
                               key=key_label)
        yield PKCS11Signer(session, key_label=key_label, signing_cert=signing_cert, ca_chain=chain,
                           other_certs_to_pull=(), use_raw_mechanism=signing_cert.public_key.algorithm == "ec")


def read_token_certificate(*, module: str, token_label: str, key_label: str, pin: str) -> x509.Certificate:
    """The certificate stored on token ``token_label`` next to key ``key_label``: the
    ``CKO_CERTIFICATE`` labelled ``key_label``, else the one with the key's ``CKA_ID``.
    Logs in with ``pin`` (and checks the key is there and may sign), so registering a
    token key proves the PIN.

    Raises InvalidInput (``token_certificate_not_found`` when there is none, or more
    than one that fits the key; ``token_key_*`` as :func:`token_signer`), NotAllowed and
    ServiceUnavailable as :func:`token_signer`.
    """
    from pkcs11 import Attribute, ObjectClass

    with _user_session(module, token_label, pin) as session:
        key = _signing_key(session, token_label, key_label)
        candidates = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE,
                                                Attribute.LABEL: key_label}))
        if not candidates:
            try:
                key_id = key[Attribute.ID]
            except Exception:  # noqa: BLE001 — a key without CKA_ID
                key_id = b""
            if key_id:
                candidates = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE,
                                                        Attribute.ID: key_id}))
        certificates = []
        for candidate in candidates:
            try:
                certificates.append(x509.load_der_x509_certificate(candidate[Attribute.VALUE]))
            except ValueError:
                log.warning("signing: unreadable certificate object on token %r", token_label)
        fitting = [c for c in certificates if _matches(session, key, c) is not False]
        if len(fitting) != 1:
            raise InvalidInput(_msg_no_certificate(token_label, key_label), code="token_certificate_not_found",
                               token=token_label, key=key_label)
        return fitting[0]


# ------------------------------------------------------------ SoftHSM: development and tests only

def softhsm_environment(directory) -> dict[str, str]:
    """Development/tests: write ``<directory>/softhsm2.conf`` keeping SoftHSM's tokens
    in ``<directory>/tokens`` (made here) and return the environment that selects it,
    ``{"SOFTHSM2_CONF": <path>}``.

    The variable only takes effect in this process when SoftHSM initialises (first load
    of the module, or :func:`reload_module`); see the module docstring.
    """
    directory = Path(directory)
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"# SoftHSM for Saraban development/tests only\n"
                    f"directories.tokendir = {tokens}\n"
                    "objectstore.backend = file\n"
                    "log.level = ERROR\n"
                    "slots.removable = false\n"
                    "slots.mechanisms = ALL\n"
                    "library.reset_on_fork = false\n")
    return {"SOFTHSM2_CONF": str(conf)}


def reload_module(module: str = SOFTHSM_MODULE) -> None:
    """Development/tests: ``C_Finalize`` and ``C_Initialize`` ``module`` in this process
    (loading it if it was not), so SoftHSM reads ``SOFTHSM2_CONF`` again and sees the
    tokens made since by ``softhsm2-util``. Every open session of that module in this
    process is closed by it."""
    import pkcs11

    with _LOCK:
        pkcs11.lib(module).reinitialize()


def _softhsm_util() -> str:
    found = shutil.which("softhsm2-util")
    if not found:
        raise RuntimeError("softhsm2-util is not installed (Debian/Ubuntu package softhsm2)")
    return found


def init_token(module: str, label: str, so_pin: str, user_pin: str, *, environment: dict | None = None) -> None:
    """Development/tests: initialise the first free SoftHSM slot as token ``label`` with
    ``so_pin`` and ``user_pin`` (``softhsm2-util --init-token --free``), in the token
    directory of ``os.environ`` updated with ``environment``, then :func:`reload_module`
    so this process sees it. Raises RuntimeError with softhsm2-util's output on failure.

    ``environment`` should be what this process uses too (see :func:`softhsm_environment`),
    or the token lands where this process does not look.
    """
    env = {**os.environ, **(environment or {})}
    done = subprocess.run([_softhsm_util(), "--module", module, "--init-token", "--free", "--label", label,
                           "--so-pin", so_pin, "--pin", user_pin], check=False, capture_output=True, text=True, env=env,
                          timeout=60)
    if done.returncode:
        raise RuntimeError(f"softhsm2-util --init-token {label!r} failed: {done.stdout} {done.stderr}".strip())
    reload_module(module)


def key_id(certificate: x509.Certificate) -> bytes:
    """The ``CKA_ID`` given to a key and its certificate: the certificate's subject key
    identifier (RFC 5280 §4.2.1.2 method 1, the usual choice of token tools)."""
    return x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest


def import_key_and_certificate(module: str, token_label: str, user_pin: str, key, certificate: x509.Certificate,
                               key_label: str) -> bytes:
    """Development/tests: write ``key`` (a ``cryptography`` RSA or EC private key) and
    ``certificate`` to token ``token_label`` with python-pkcs11, as a private key
    (sensitive, not extractable, may only sign), its public key and the certificate,
    all three with ``CKA_LABEL`` = ``key_label`` and ``CKA_ID`` = :func:`key_id`.
    Objects already there with that label are replaced. Returns the ``CKA_ID``."""
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util.ec import decode_ec_private_key
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate, decode_x509_public_key

    der_cert = certificate.public_bytes(serialization.Encoding.DER)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    if isinstance(key, rsa.RSAPrivateKey):
        private = decode_rsa_private_key(der_key)
        private.update({Attribute.DECRYPT: False, Attribute.UNWRAP: False})
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        private = decode_ec_private_key(der_key)
        private[Attribute.DERIVE] = False
    else:
        raise TypeError("only RSA and EC keys can be imported")
    ident = key_id(certificate)
    common = {Attribute.TOKEN: True, Attribute.LABEL: key_label, Attribute.ID: ident}
    private.update(common)
    private.update({Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                    Attribute.SIGN: True})
    public = decode_x509_public_key(der_cert)
    public.update(common)
    public.update({Attribute.VERIFY: True, Attribute.ENCRYPT: False, Attribute.WRAP: False}
                  if public[Attribute.KEY_TYPE] == KeyType.RSA else {Attribute.VERIFY: True})
    cert = decode_x509_certificate(der_cert)
    cert.update(common)
    cert[Attribute.PRIVATE] = False
    with _user_session(module, token_label, user_pin, rw=True) as session:
        for kind in (ObjectClass.PRIVATE_KEY, ObjectClass.PUBLIC_KEY, ObjectClass.CERTIFICATE):
            for old in list(session.get_objects({Attribute.CLASS: kind, Attribute.LABEL: key_label})):
                old.destroy()
        session.create_object(private)
        session.create_object(public)
        session.create_object(cert)
    return ident


def provision_softhsm_key(directory, key, certificate: x509.Certificate, *, module: str = SOFTHSM_MODULE,
                          token_label: str = "saraban-test", key_label: str = "signing", pin: str = "246813",
                          so_pin: str = "13572468") -> dict[str, str]:
    """Development/tests: a SoftHSM token in ``directory`` holding ``key`` and
    ``certificate``, ready for :func:`token_signer`; returns
    ``{"module", "token_label", "key_label", "pin"}`` (so ``token_signer(**info,
    certificate=...)`` and ``read_token_certificate(**info)`` work).

    Sets ``os.environ["SOFTHSM2_CONF"]`` to ``directory``'s configuration for the whole
    process and reloads the module (see the module docstring: call it when no session
    is open). The token is made when ``directory`` has none labelled ``token_label``
    (``pin``/``so_pin`` must then match the existing one); the key and certificate
    replace any objects labelled ``key_label``.
    """
    environment = softhsm_environment(directory)
    os.environ.update(environment)
    reload_module(module)
    import pkcs11

    with _LOCK:
        lib = pkcs11.lib(module)
    if _find_token(lib, token_label) is None:
        init_token(module, token_label, so_pin, pin, environment=environment)
    import_key_and_certificate(module, token_label, pin, key, certificate, key_label)
    return {"module": module, "token_label": token_label, "key_label": key_label, "pin": pin}
