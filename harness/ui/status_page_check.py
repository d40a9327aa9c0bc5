"""Drives the status page (/ui) in headless Chromium, as an operator would.

Usage: status_page_check.py BASE_URL RUN_ID DEAD_SUBTASK UNKNOWN_SUBTASK SCREENSHOT

Signs in through the login form, checks the page shows the run RUN_ID, the 30-day chart, the
dead sub-task DEAD_SUBTASK and an unknown item of UNKNOWN_SUBTASK; re-drives the dead one and
settles the unknown one with the page's buttons, checks each notice and that each row is gone,
saves a screenshot, and logs out. Exits non-zero, naming the failed check, on any mismatch.
Chromium and chromedriver are Debian's (/usr/bin); every wait is bounded.
"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 20


def check(condition, what):
    if not condition:
        print(f"ui-check: FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ui-check: ok: {what}")


def main():
    base, run_id, dead_subtask, unknown_subtask, screenshot = sys.argv[1:6]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:
        driver.get(base + "/ui")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        check(driver.current_url.endswith("/ui/login"), "an anonymous visit is sent to the login form")

        driver.find_element(By.NAME, "username").send_keys("orchestrator")
        driver.find_element(By.NAME, "password").send_keys("wrong password")
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait.until(EC.presence_of_element_located((By.ID, "problem")))
        check("invalid" in driver.find_element(By.ID, "problem").text.lower(), "a wrong password is refused on the form")

        driver.find_element(By.NAME, "password").send_keys("orchestrator-pass")
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait.until(EC.presence_of_element_located((By.ID, "chart")))
        check("orchestrator" in driver.find_element(By.ID, "dsa").text, "signed in as the DSA")
        cookies = {c["name"]: c for c in driver.get_cookies()}
        session = cookies.get("orchestrator_session", {})
        check(session.get("httpOnly") and session.get("sameSite") == "Strict", "the session cookie is HttpOnly and SameSite=Strict")

        runs = [row.get_attribute("data-run-id") for row in driver.find_elements(By.CSS_SELECTOR, "tr.run")]
        check(run_id in runs, f"the run just made ({run_id}) is listed")
        bars = driver.find_elements(By.CSS_SELECTOR, "#chart svg g.day")
        check(len(bars) == 30, f"the chart has 30 days (found {len(bars)})")
        failed_total = int(driver.find_element(By.ID, "failed-total").text)
        check(failed_total >= 1, f"the chart counts today's failures ({failed_total})")

        dead_rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.dead-item") if dead_subtask in r.text]
        check(len(dead_rows) == 1, "the dead sub-task is listed")
        unknown_rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.unknown-item") if unknown_subtask in r.text]
        check(len(unknown_rows) >= 1, "the unknown item is listed")

        driver.save_screenshot(screenshot)
        check(True, f"screenshot saved to {screenshot}")

        dead_rows[0].find_element(By.TAG_NAME, "button").click()
        wait.until(EC.presence_of_element_located((By.ID, "notice")))
        check("Re-driven" in driver.find_element(By.ID, "notice").text, "re-drive shows its notice")
        still_dead = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.dead-item") if dead_subtask in r.text]
        check(not still_dead, "the re-driven sub-task left the dead list")

        unknown_rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.unknown-item") if unknown_subtask in r.text]
        before = len(driver.find_elements(By.CSS_SELECTOR, "tr.unknown-item"))
        unknown_rows[0].find_element(By.CSS_SELECTOR, "button[value=applied]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Settled"))
        after = len(driver.find_elements(By.CSS_SELECTOR, "tr.unknown-item"))
        check(after == before - 1, f"settling removed one unknown item ({before} -> {after})")

        driver.find_element(By.CSS_SELECTOR, "header form button").click()
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        driver.get(base + "/ui")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        check(driver.current_url.endswith("/ui/login"), "after logging out the page asks to sign in again")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
