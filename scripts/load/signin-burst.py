"""Sign-ins for unknown addresses from N threads for S seconds (each a full scrypt check against the
decoy hash), printing the status mix: the load beside which scripts/load/run measures /health.
   python3 signin-burst.py BASE_URL THREADS SECONDS"""
import collections, json, sys, threading, time, urllib.error, urllib.request

base, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
counts = collections.Counter()
lock = threading.Lock()

def worker(index):
    n = 0
    while time.monotonic() < deadline:
        body = json.dumps({"email": f"nobody{index}.{n}@example.org", "password": "not a real password"}).encode()
        request = urllib.request.Request(base + "/auth/login", data=body, headers={"content-type": "application/json"})
        try:
            status = urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        except Exception:
            status = "error"
        with lock:
            counts[status] += 1
        n += 1

pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for thread in pool: thread.start()
for thread in pool: thread.join()
print("sign-ins: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)))
