"""Independent check of Rega's DL1 tokens with implementations Rega did not write.

pycose verifies the COSE_Sign1 ES256 signature, cbor2 reads the claims, base45 and Python's
zlib undo the text layers (zlib with the DL1 preset dictionary, RFC 1950 FDICT), and
cryptography derives the kid from the key's SubjectPublicKeyInfo.

Usage: verify_dl1.py PUBLIC_KEY.pem DICTIONARY.bin LICENCE.json ISSUER < tokens.txt
One DL1 token per line. Prints one line per token; exits non-zero if any check fails.
"""

import hashlib
import json
import sys
import zlib

import base45
import cbor2
from cryptography.hazmat.primitives import serialization
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message

LICENCE_CLAIM = -65537
NAMESPACE = "org.iso.18013.5.1"


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


def check(text, public_key, dictionary, licence, issuer):
    assert text.startswith("DL1:"), "prefix"
    compressed = base45.b45decode(text[4:])
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
    assert claims[4] - claims[6] == 180, "exp = iat + 180"
    assert isinstance(claims[7], bytes) and len(claims[7]) == 8, "cti is 8 bytes"
    got = expected_licence(plain(claims[LICENCE_CLAIM][NAMESPACE]))
    want = expected_licence(licence)
    assert got == want, f"licence differs:\n{got}\n{want}"
    return len(text)


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
            size = check(text, public_key, dictionary, licence, issuer)
            print(f"crosscheck: token {number}: valid ({size} characters)")
        except Exception as error:  # report every failure, then fail
            failures += 1
            print(f"crosscheck: token {number}: FAILED: {error!r}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
