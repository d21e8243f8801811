#!/usr/bin/env python3
"""Prepares the request lists the wrk mixes replay (scripts/load/run calls it).

Logs in demo users, gives each a community of its own (owners may post without the newcomer
limit), creates events with room for everyone, finds a covered hour of each verified mentor, and
writes two tab-separated files: reads.tsv and commands.tsv (method, path, token, body).
Standard library only."""
import datetime
import json
import random
import sys
import unicodedata
import urllib.request
import zoneinfo

BASE, OUT = sys.argv[1], sys.argv[2]
USERS = int(sys.argv[3]) if len(sys.argv) > 3 else 40
PASSWORD = "protalent-demo-2026"
FIRST = ["Awa", "Moussa", "Fatou", "Ibrahima", "Aminata", "Cheikh", "Mariam", "Kofi", "Amina", "Yao",
         "Nadia", "Jean", "Chloé", "Koffi", "Aïcha", "Omar", "Léa", "Samuel", "Grace", "Hugo"]
LAST = ["Diop", "Ndiaye", "Traoré", "Koné", "Mensah", "Bamba", "Diallo", "Kouassi", "Sow", "Mbaye",
        "Nkemelu", "Dupont", "Martin", "Okafor", "Haidara", "Benali", "Camara", "Touré", "Ouattara", "Faye"]


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def call(method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        position = response.headers.get("X-Log-Position")
        return (json.loads(text) if text else None), position


def login(email):
    return call("POST", "/auth/login", body={"email": email, "password": PASSWORD})[0]["accessToken"]


# Demo students (DemoSeeder's naming: index % 5 == 0 are mentors).
students = []
for index in range(USERS * 5 // 4 + 5):
    if index % 5 == 0:
        continue
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST) + index) % len(LAST)]
    students.append(f"{fold(first)}.{fold(last)}.{index}@demo.protalent.app")
    if len(students) == USERS:
        break
tokens = [login(email) for email in students]
mentor_token = login("moussa.ndiaye@demo.protalent.app")

communities = []
for i, token in enumerate(tokens):
    body, _ = call("POST", "/communities", token, {"name": f"Cercle de charge {i}", "description": "Load test", "category": "interest", "isPrivate": False})
    communities.append(body["communityId"])
start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
events = []
for i in range(300):
    body, last_position = call("POST", "/events", mentor_token, {
        "title": f"Atelier de charge {i}", "eventType": "workshop", "isOnline": True, "meetingUrl": "https://meet.example.org/x",
        "startDate": (start + datetime.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endDate": (start + datetime.timedelta(hours=i, minutes=90)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "maxParticipants": 1000})
    events.append(body["eventId"])

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
mentors, _ = call("GET", f"/mentors/available?limit=100", tokens[0], None)
slots = []
for mentor in mentors["items"]:
    zone = zoneinfo.ZoneInfo(mentor["timeZone"])
    for slot in mentor["availability"]:
        local = datetime.datetime.now(zone).replace(hour=int(slot["start"][:2]), minute=0, second=0, microsecond=0)
        local += datetime.timedelta(days=14)
        while DAYS[local.weekday()] != slot["day"]:
            local += datetime.timedelta(days=1)
        hours = int(slot["end"][:2]) - int(slot["start"][:2])
        if hours >= 1:
            slots.append((mentor["mentorId"], local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
            break

rng = random.Random(2026)
with open(f"{OUT}/reads.tsv", "w") as reads:
    terms = ["bourse", "data", "santé", "énergie", "awa", "dakar", "ingénieur", "master"]
    for i in range(2000):
        token = tokens[i % len(tokens)]
        kind = i % 8
        if kind == 0: line = ("GET", "/communities?limit=20", token, "")
        elif kind == 1: line = ("GET", "/events?limit=20", token, "")
        elif kind == 2: line = ("GET", "/scholarships?open=true&limit=20", token, "")
        elif kind == 3: line = ("GET", "/mentors/available?limit=20", token, "")
        elif kind == 4: line = ("GET", f"/users/search?q={urllib.parse.quote(terms[i % len(terms)])}", token, "")
        elif kind == 5: line = ("POST", "/ai/recommendations/scholarships", token, '{"limit": 5}')
        elif kind == 6: line = ("POST", "/ai/recommendations/mentors", token, '{"limit": 5}')
        else: line = ("GET", f"/communities/{communities[i % len(communities)]}/posts?limit=20", token, "")
        reads.write("\t".join(line) + "\n")

with open(f"{OUT}/commands.tsv", "w") as commands:
    # Every registration pair appears once (a second registration would be a 409): the list holds
    # three commands per pair, so it lasts 3 x users x events requests before repeating.
    pairs = [(u, e) for u in range(len(tokens)) for e in range(len(events))]
    rng.shuffle(pairs)
    for i in range(3 * len(pairs)):
        u, e = pairs[i // 3]
        token = tokens[u]
        kind = i % 3
        if kind == 0:
            line = ("POST", f"/communities/{communities[u]}/posts", token, json.dumps({"title": "Charge", "body": f"Message de charge {i}"}))
        elif kind == 1:
            line = ("POST", f"/events/{events[e]}/register", token, "")
        else:
            mentor, at = slots[i % len(slots)]
            line = ("POST", "/mentors/request", token, json.dumps({"mentorId": mentor, "title": "Orientation", "scheduledAt": at, "durationMinutes": 60}))
        commands.write("\t".join(line) + "\n")
print(f"prepared: {len(tokens)} users, {len(communities)} communities, {len(events)} events, {len(slots)} mentor slots", file=sys.stderr)
