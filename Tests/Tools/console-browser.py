#!/usr/bin/env python3
"""Drives the operator console in headless Chromium (Debian's chromium + chromium-driver) with selenium.

Run by ConsoleBrowserEndToEndTests against a real `protalent serve --demo`; it acts like an operator
and prints one JSON line of what it saw. The Swift test then checks through the API that each action
happened. Usage: console-browser.py CONFIG.json  (base, admin, student, twoFactor{email,password,secret},
person, post{community,id}, scholarship, projection, screenshots)
"""
import base64
import hashlib
import hmac
import json
import struct
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait


def totp(secret_base32, at=None):
    """RFC 6238 (SHA-1, 30 s, 6 digits), as authenticator apps compute it."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Console:
    def __init__(self, config):
        self.config = config
        self.base = config["base"]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,1000", "--lang=fr-FR"):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.wait = WebDriverWait(self.driver, 60)
        # For conditions read while the page's own script redraws the nodes being read (the live
        # projections table): a node replaced between finding and reading it is tried again.
        self.live_wait = WebDriverWait(self.driver, 60, ignored_exceptions=(WebDriverException,))
        self.seen = {}

    def open(self, path):
        self.driver.get(self.base + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def title(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def shot(self, name):
        if self.config.get("screenshots"):
            self.driver.save_screenshot(f"{self.config['screenshots']}/{name}.png")

    def sign_in(self, email, password, code=None):
        self.open("/console")
        self.driver.find_element(By.NAME, "email").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        if code:
            self.driver.find_element(By.NAME, "totpCode").send_keys(code)
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form[action='/console/login'] button"))

    def follow(self, element):
        """Clicks `element` and waits for the next page to replace this one (a click returns before
        the navigation it starts has finished)."""
        element.click()
        self.wait.until(expected_conditions.staleness_of(element))

    def sign_out(self):
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form.signout button"))
        self.wait.until(expected_conditions.presence_of_element_located((By.NAME, "email")))

    def check(self, condition, message):
        if not condition:
            raise AssertionError(f"{message} — at {self.driver.current_url}: {self.text()[:600]}")

    def run(self):
        config = self.config
        # A student is refused.
        self.sign_in(config["student"]["email"], config["student"]["password"])
        self.check(self.title() in ("Accès refusé", "Access denied"), "a student reached the console")
        self.seen["studentRefused"] = self.title()
        self.shot("refused")

        # The admin (no 2FA) signs in: the overview.
        self.open("/console")
        self.shot("sign-in")
        self.sign_in(config["admin"]["email"], config["admin"]["password"])
        self.check(self.title() == "Vue d'ensemble", "the admin did not land on the overview")
        self.check("Tête du journal" in self.text(), "the overview shows no log head")
        self.shot("overview")

        # A forged form, without the session's token, is refused.
        self.driver.execute_script("""
            const form = document.createElement('form');
            form.method = 'post'; form.action = '/console/projections/profiles/rebuild';
            document.body.appendChild(form); form.submit();""")
        self.wait.until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text == "Impossible")
        self.check("jeton" in self.text(), "the forged form was not refused for its token")
        self.seen["forgedRefused"] = True

        # The audit trail, then one stream's timeline.
        self.open("/console/audit?type=identity.role-changed")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
        self.check(len(rows) >= 1 and "identity.role-changed" in rows[0].text, "no role change in the audit trail")
        rows[0].find_element(By.TAG_NAME, "summary").click()
        self.shot("audit")
        self.follow(rows[0].find_element(By.CSS_SELECTOR, "a[href^='/console/audit/stream/']"))
        self.wait.until(expected_conditions.presence_of_element_located((By.ID, "timeline")))
        items = self.driver.find_elements(By.CSS_SELECTOR, "#timeline > li")
        self.check(len(items) >= 2, "the timeline shows fewer than two events")
        self.check("identity.account-registered" in items[0].text, "the timeline does not start at the registration")
        self.seen["timelineEvents"] = len(items)
        self.shot("timeline")

        # Rebuild a projection and watch it finish (the page follows it through console.js).
        projection = config["projection"]
        self.open("/console/projections")
        row = f"tr[data-projection='{projection}']"
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"{row} button"))
        self.wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
        self.shot("projections-rebuilding")
        self.live_wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, row).get_attribute("data-state") == "running"
                        and driver.find_element(By.CSS_SELECTOR, f"{row} [data-field=lag]").text == "0"
                        and driver.find_element(By.CSS_SELECTOR, "[data-live-projections]").get_attribute("data-busy") == "false")
        self.seen["rebuiltCheckpoint"] = self.live_wait.until(
            lambda driver: int(driver.find_element(By.CSS_SELECTOR, f"{row} [data-field=checkpoint]").text))
        self.shot("projections")

        # Read a chart.
        self.open("/console/analytics")
        bars = self.driver.find_elements(By.CSS_SELECTOR, "#chart-countries svg rect")
        self.check(len(bars) >= 3, "the sign-ups-by-country chart has fewer than three bars")
        label = bars[0].find_element(By.TAG_NAME, "title").get_attribute("textContent")
        country, count = label.split(": ")
        self.seen["chartTopCountry"] = {"country": country, "signups": int(count)}
        weekly = self.driver.find_elements(By.CSS_SELECTOR, "#chart-countries-weekly svg rect title")
        self.check(len(weekly) >= 1, "the sign-ups-per-week-by-country chart has no bars")
        # "W49 · SN: 3" → {"W49 · SN": 3}
        self.seen["chartWeeklyCountries"] = {
            label.rsplit(": ", 1)[0]: int(label.rsplit(": ", 1)[1])
            for label in (title.get_attribute("textContent") for title in weekly)
        }
        self.shot("analytics")

        # Change a role.
        self.open("/console/people?q=" + config["person"]["name"])
        self.shot("people")
        self.open("/console/people/" + config["person"]["id"])
        Select(self.driver.find_element(By.ID, "role")).select_by_value("moderator")
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form[action$='/role'] button"))
        self.wait.until(lambda driver: driver.find_element(By.ID, "person-role").text == "moderator")
        self.shot("person")

        # Remove a post.
        self.open("/console/moderation")
        post = config["post"]["id"]
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"tr[data-post='{post}'] form[action$='/remove'] button"))
        self.wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
        self.check(not self.driver.find_elements(By.CSS_SELECTOR, f"tr[data-post='{post}']"), "the removed post is still listed")
        self.shot("moderation")

        # Close a scholarship.
        self.open("/console/scholarships")
        scholarship = config["scholarship"]
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"tr[data-scholarship='{scholarship}'] button"))
        self.wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
        state = self.driver.find_element(By.CSS_SELECTOR, f"tr[data-scholarship='{scholarship}'] [data-field=state]").text
        self.check(state == "clôturée", f"the scholarship reads {state!r}, not closed")
        self.shot("scholarships")

        # English, one click away.
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "a.language"))
        self.check(self.title() == "Scholarships", "the English link did not switch the language")
        self.sign_out()

        # An admin with 2FA: the code from their authenticator.
        second = config["twoFactor"]
        self.sign_in(second["email"], second["password"])
        self.check("code" in self.text().lower() and not self.driver.find_elements(By.CSS_SELECTOR, "form.signout"),
                   "signed in without the second factor")
        self.sign_in(second["email"], second["password"], totp(second["secret"]))
        self.check(self.title() == "Vue d'ensemble", "the 2FA admin did not land on the overview")
        self.seen["twoFactorSignedIn"] = True
        self.driver.set_window_size(390, 844)  # a phone
        self.open("/console/moderation")
        self.shot("phone-moderation")
        return self.seen


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        config = json.load(file)
    console = Console(config)
    try:
        seen = console.run()
    except Exception as error:  # report what the browser saw, then fail
        console.shot("failure")
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
        return 1
    finally:
        console.driver.quit()
    print(json.dumps({"ok": True, "seen": seen}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
