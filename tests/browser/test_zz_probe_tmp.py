import time
from tests.browser.test_quiz_flow import *  # noqa
def test_probe(live_server, page):
    start_quiz(page, live_server, ARTICLE_QUIZ)
    base = attempt_url(page)
    t=time.monotonic()
    for n in range(1, 11):
        page.goto(f"{base}/{n}")
    print("goto x10", time.monotonic()-t)
    t=time.monotonic()
    for n in range(1, 11):
        page.goto(f"{base}/{n}", wait_until="domcontentloaded")
    print("goto dcl x10", time.monotonic()-t)
    page.goto(f"{base}/1")
    qs = whole_article()
    t=time.monotonic()
    for n in range(1, 11):
        t0=time.monotonic()
        expect_question(page, n, 104); t1=time.monotonic()
        answer_correctly(page, qs[n-1]); t2=time.monotonic()
        page.get_by_role("button", name="Next →", exact=True).click(); t3=time.monotonic()
        print(round(t1-t0,3), round(t2-t1,3), round(t3-t2,3))
    print("answer x10", time.monotonic()-t)
