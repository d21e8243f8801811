#!/usr/bin/env python3
"""A minimal OpenID Connect provider whose id tokens the test shapes, for the faults a real
provider never produces on demand: expired, wrong audience, wrong issuer, wrong nonce, signed by a
key outside the JWKS, ES256, and rotated keys (a kid the server has not cached).

Runs with the python of scripts/oidc-provider-mock's virtual environment (it needs `cryptography`).
Usage: forged-oidc-provider.py PORT. Prints "listening on PORT" once it accepts connections.
POST /fault {"fault": "none|expired|audience|issuer|nonce|signature", "alg": "RS256|ES256",
"rotate": bool, "sub": ..., "email": ..., "email_verified": bool} shapes the next tokens.
The token endpoint checks the PKCE verifier (S256) and spends each code once.
"""
import base64, hashlib, json, sys, threading, time, urllib.parse, secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

PORT = int(sys.argv[1])
ISSUER = f"http://127.0.0.1:{PORT}"
lock = threading.Lock()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key(alg: str):
    kid = secrets.token_hex(8)
    if alg == "ES256":
        return {"alg": alg, "kid": kid, "key": ec.generate_private_key(ec.SECP256R1())}
    return {"alg": alg, "kid": kid, "key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}


def jwk(entry):
    public = entry["key"].public_key()
    if entry["alg"] == "ES256":
        numbers = public.public_numbers()
        return {"kty": "EC", "crv": "P-256", "kid": entry["kid"], "alg": "ES256", "use": "sig",
                "x": b64(numbers.x.to_bytes(32, "big")), "y": b64(numbers.y.to_bytes(32, "big"))}
    numbers = public.public_numbers()
    return {"kty": "RSA", "kid": entry["kid"], "alg": "RS256", "use": "sig",
            "n": b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")), "e": b64(numbers.e.to_bytes(3, "big"))}


def sign(entry, claims, kid):
    header = {"alg": entry["alg"], "kid": kid, "typ": "JWT"}
    signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())).encode()
    if entry["alg"] == "ES256":
        r, s = decode_dss_signature(entry["key"].sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = entry["key"].sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode() + "." + b64(signature)


keys = [new_key("RS256"), new_key("ES256")]
shape = {"fault": "none", "alg": "RS256", "sub": "forged-subject", "email": "forged@example.org", "email_verified": True}
codes = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=None, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/.well-known/openid-configuration":
            return self.answer(200, {"issuer": ISSUER, "authorization_endpoint": ISSUER + "/authorize",
                                     "token_endpoint": ISSUER + "/token", "jwks_uri": ISSUER + "/jwks",
                                     "id_token_signing_alg_values_supported": ["RS256", "ES256"]})
        if url.path == "/jwks":
            with lock:
                return self.answer(200, {"keys": [jwk(k) for k in keys]})
        if url.path == "/authorize":
            q = dict(urllib.parse.parse_qsl(url.query))
            code = secrets.token_urlsafe(16)
            with lock:
                codes[code] = {"nonce": q.get("nonce"), "client_id": q["client_id"], "challenge": q.get("code_challenge"),
                               "method": q.get("code_challenge_method"), "redirect_uri": q["redirect_uri"]}
            location = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q["state"]})
            return self.answer(302, headers=[("Location", location)])
        self.answer(404, {"error": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        if self.path == "/fault":
            with lock:
                shape.update(json.loads(body))
                if shape.pop("rotate", False):
                    keys.append(new_key(shape["alg"]))
            return self.answer(204)
        if self.path == "/token":
            form = dict(urllib.parse.parse_qsl(body))
            with lock:
                grant = codes.pop(form.get("code", ""), None)
                current = dict(shape)
                entry = [k for k in keys if k["alg"] == current["alg"]][-1]
            if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                return self.answer(400, {"error": "invalid_grant"})
            verifier = form.get("code_verifier", "")
            if grant["method"] != "S256" or b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
                return self.answer(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
            now = int(time.time())
            claims = {"iss": ISSUER, "sub": current["sub"], "aud": grant["client_id"], "iat": now, "exp": now + 300,
                      "nonce": grant["nonce"], "email": current["email"], "email_verified": current["email_verified"]}
            fault = current["fault"]
            if fault == "expired":
                claims["iat"], claims["exp"] = now - 7200, now - 3600
            elif fault == "audience":
                claims["aud"] = "another-client"
            elif fault == "issuer":
                claims["iss"] = "http://127.0.0.1:1"
            elif fault == "nonce":
                claims["nonce"] = "not-the-nonce"
            signer = entry
            if fault == "signature":  # the same kid and algorithm, another key
                signer = dict(new_key(entry["alg"]), kid=entry["kid"])
            token = sign(signer, claims, entry["kid"])
            return self.answer(200, {"access_token": "unused", "token_type": "Bearer", "id_token": token})
        self.answer(404, {"error": "not_found"})


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(f"listening on {PORT}", flush=True)
server.serve_forever()
