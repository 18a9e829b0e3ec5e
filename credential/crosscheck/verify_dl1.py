"""Independent check of Rega's licence QR texts with implementations Rega did not write.

DL1 tokens: pycose verifies the COSE_Sign1 ES256 signature, cbor2 reads the claims, base45 and
Python's zlib undo the text layers (zlib with the DL1 preset dictionary, RFC 1950 FDICT), and
cryptography derives the kid from the key's SubjectPublicKeyInfo.

The bound form (DLB): the same for the credential; then the device key is recovered from the
presentation's signature with plain integer arithmetic on P-256 (no library offers ECDSA key
recovery for it), its RFC 9679 thumbprint (cbor2's canonical encoding, hashlib) must be the
credential's `cnf` key id, and cryptography verifies the device's ES256 signature over
"DLB1 presentation" || SHA-256(credential) || time with the recovered key.

Usage: verify_dl1.py PUBLIC_KEY.pem DICTIONARY.bin LICENCE.json ISSUER < texts.txt
One QR text per line. Prints one line per text; exits non-zero if any check fails.
"""

import hashlib
import json
import sys
import zlib

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message

LICENCE_CLAIM = -65537
NAMESPACE = "org.iso.18013.5.1"
PRESENTATION_CONTEXT = b"DLB1 presentation"
MAX_BOUND_SECONDS = 30 * 86400

# P-256 (FIPS 186-4, D.1.2.3).
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        m = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        m = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (m * m - x1 - x2) % P
    return (x3, (m * (x1 - x3) - y1) % P)


def mul(k, point):
    result = None
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def recovered_keys(message, signature):
    """Every public key (both y parities of R) for which the signature could be valid."""
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    z = int.from_bytes(hashlib.sha256(message).digest(), "big")
    rhs = (r ** 3 + A * r + B) % P
    y = pow(rhs, (P + 1) // 4, P)
    if y * y % P != rhs:
        return []
    keys = []
    for ry in (y, P - y):
        q = mul(pow(r, -1, N), add(mul(s, (r, ry)), mul((N - z) % N, G)))
        if q is not None:
            keys.append(q)
    return keys


def thumbprint16(point):
    """RFC 9679 COSE Key Thumbprint (SHA-256) of an EC2 P-256 key, its first 16 bytes."""
    x, y = point
    key = {1: 2, -1: 1, -2: x.to_bytes(32, "big"), -3: y.to_bytes(32, "big")}
    return hashlib.sha256(cbor2.dumps(key, canonical=True)).digest()[:16]


def plain(value):
    """cbor2 values (tag 1004 dates, tags) as the JSON strings Rega was given."""
    if isinstance(value, cbor2.CBORTag):
        return plain(value.value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def expected_licence(licence):
    """Per-category dates left out of the token mean the licence's own dates."""
    out = dict(licence)
    out["driving_privileges"] = [
        {"vehicle_category_code": p["vehicle_category_code"],
         "issue_date": p.get("issue_date", licence["issue_date"]),
         "expiry_date": p.get("expiry_date", licence["expiry_date"])}
        for p in licence["driving_privileges"]
    ]
    return out


def issued(compressed, public_key, dictionary, licence, issuer):
    """Inflates and checks the issuer's COSE_Sign1: its bytes and claims."""
    inflater = zlib.decompressobj(zdict=dictionary)
    cose = inflater.decompress(compressed) + inflater.flush()
    assert inflater.eof and not inflater.unused_data, "one whole zlib stream"

    message = Sign1Message.decode(cose)
    numbers = public_key.public_numbers()
    message.key = EC2Key(crv=P256, x=numbers.x.to_bytes(32, "big"), y=numbers.y.to_bytes(32, "big"))
    assert message.verify_signature(), "ES256 signature"

    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = message.phdr.get(4) or message.phdr.get("KID")
    if kid is None:
        kid = next(v for k, v in message.phdr.items() if getattr(k, "identifier", None) == 4)
    assert kid == hashlib.sha256(spki).digest()[:8], "kid = first 8 bytes of SHA-256(SPKI)"

    claims = cbor2.loads(message.payload)
    assert claims[1] == issuer, "iss"
    got = expected_licence(plain(claims[LICENCE_CLAIM][NAMESPACE]))
    want = expected_licence(licence)
    assert got == want, f"licence differs:\n{got}\n{want}"
    return cose, claims


def check_token(text, public_key, dictionary, licence, issuer):
    _, claims = issued(base45.b45decode(text[4:]), public_key, dictionary, licence, issuer)
    assert claims[4] - claims[6] == 180, "exp = iat + 180"
    assert isinstance(claims[7], bytes) and len(claims[7]) == 8, "cti is 8 bytes"
    assert 8 not in claims, "a token names no device key"
    return "token"


def check_bound(text, public_key, dictionary, licence, issuer):
    data = base45.b45decode(text[4:])
    assert len(data) > 68, "room for the presentation"
    compressed, at, signature = data[:-68], data[-68:-64], data[-64:]
    cose, claims = issued(compressed, public_key, dictionary, licence, issuer)
    assert 0 < claims[4] - claims[6] <= MAX_BOUND_SECONDS, "valid for at most 30 days"
    binding = claims[8][3]
    assert isinstance(binding, bytes) and len(binding) == 16, "cnf names a 16-byte key id"
    presented = int.from_bytes(at, "big")
    assert claims[6] - 60 <= presented <= claims[4] + 60, "presented while the credential is valid"
    message = PRESENTATION_CONTEXT + hashlib.sha256(cose).digest() + at
    der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    for point in recovered_keys(message, signature):
        if thumbprint16(point) != binding:
            continue
        device = ec.EllipticCurvePublicNumbers(point[0], point[1], ec.SECP256R1()).public_key()
        try:
            device.verify(der, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return "bound"
    raise AssertionError("no key named by the credential signed the presentation")


def check(text, public_key, dictionary, licence, issuer):
    if text.startswith("DL1:"):
        return check_token(text, public_key, dictionary, licence, issuer), len(text)
    if text.startswith("DLB:"):
        return check_bound(text, public_key, dictionary, licence, issuer), len(text)
    raise AssertionError("prefix")


def main():
    key_path, dictionary_path, licence_path, issuer = sys.argv[1:5]
    with open(key_path, "rb") as f:
        public_key = serialization.load_pem_public_key(f.read())
    with open(dictionary_path, "rb") as f:
        dictionary = f.read()
    with open(licence_path, encoding="utf-8") as f:
        licence = json.load(f)
    failures = 0
    for number, line in enumerate(sys.stdin, 1):
        text = line.strip()
        if not text:
            continue
        try:
            form, size = check(text, public_key, dictionary, licence, issuer)
            print(f"crosscheck: text {number}: valid {form} ({size} characters)")
        except Exception as error:  # report every failure, then fail
            failures += 1
            print(f"crosscheck: text {number}: FAILED: {error!r}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
