//! The workbench in a real browser: headless Chromium, driven through
//! chromedriver (WebDriver), on `rulec serve` of the seed trial.
//!
//! It loads the page and waits for screening to finish, reads the
//! checklist and the funnel, filters the undetermined patients (as many
//! as `rulec eval` finds), opens one's explanation, types a typo into the
//! editor and sees its diagnostic, then fixes it. A screenshot of each
//! step goes to `<target dir>/workbench-screenshots/`.
//!
//! Without `chromedriver` on the `PATH` the test says it is skipped and
//! passes, unless `RULEC_REQUIRE_BROWSER=1` (as `scripts/browser-test`
//! sets, after installing Debian's `chromium` and `chromium-driver`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the test on a broken setup"
)]

#[allow(dead_code, reason = "each test uses part of the helpers")]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::{Served, eval_counts};

/// How long a step may take before the test gives up on it.
const STEP: Duration = Duration::from_secs(30);

/// `chromedriver` on the `PATH`, if there is one.
fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|candidate| candidate.is_file())
}

/// A running chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(program: &Path) -> Driver {
        // A free port: taken, then given back for chromedriver to listen on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < STEP, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the screenshots go: beside the build, never in the repository.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // target/debug/deps/workbench-…: three folders up.
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_owned())
        })
        .expect("a target directory");
    let target = if target.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(target)
    } else {
        target
    };
    let dir = target.join("workbench-screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder is made");
    dir
}

struct Browser {
    client: Client,
    shots: PathBuf,
}

impl Browser {
    /// Runs `script` (a function body) in the page; its JSON result.
    async fn run(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until the JavaScript expression `condition` is true.
    async fn wait(&self, what: &str, condition: &str) {
        let start = Instant::now();
        let script = format!("return !!({condition});");
        while self.run(&script, vec![]).await != json!(true) {
            if start.elapsed() > STEP {
                self.shot("timeout").await;
                panic!("timed out waiting for {what} ({condition})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn text(&self, css: &str) -> String {
        let element = self.client.find(Locator::Css(css)).await;
        let element = element.unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
        element.text().await.expect("its text")
    }

    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        println!("screenshot: {}", path.display());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_workbench_in_a_real_browser() {
    let required = std::env::var("RULEC_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(program) = chromedriver() else {
        assert!(
            !required,
            "chromedriver not found, and RULEC_REQUIRE_BROWSER=1 (run scripts/browser-test)"
        );
        println!("skipped: chromedriver not found (scripts/browser-test installs it)");
        return;
    };
    let driver = Driver::start(&program);
    let served = Served::seed();
    let counts = eval_counts();

    let mut options = json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--window-size=1400,1100",
        ],
    });
    if Path::new("/usr/bin/chromium").is_file() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session");
    let browser = Browser {
        client: client.clone(),
        shots: screenshot_dir(),
    };
    // The steps run as a task of their own so that a failed step still
    // ends the session: closing it quits Chromium, which would otherwise
    // outlive chromedriver.
    let outcome = tokio::spawn(async move { steps(&browser, &served, &counts).await }).await;
    let _ = client.close().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn steps(
    browser: &Browser,
    served: &Served,
    counts: &std::collections::BTreeMap<String, usize>,
) {
    // 1. The seed trial loads and is screened, with progress shown.
    browser
        .client
        .goto(&served.url)
        .await
        .expect("the page loads");
    // What the page's Content-Security-Policy blocks, from here on (the
    // whole page is drawn again after the edit below).
    browser
        .run(
            "window.blocked = [];
             document.addEventListener('securitypolicyviolation',
               e => window.blocked.push(e.violatedDirective + ' ' + e.blockedURI));",
            vec![],
        )
        .await;
    browser
        .wait(
            "screening to finish",
            "document.querySelector('#progress[data-done=\"true\"]')",
        )
        .await;
    let progress = browser.text("#progress-text").await;
    assert!(progress.contains("screened 320 patients"), "{progress}");
    browser.shot("01-loaded").await;

    // 2. The checklist shows each criterion's label; the funnel is drawn.
    let (_, status) = served.get("/api/status");
    for criterion in status["funnel"]["criteria"].as_array().unwrap() {
        let id = criterion["id"].as_str().unwrap();
        let shown = browser
            .text(&format!("#checklist li[data-id=\"{id}\"] .label"))
            .await;
        let label = criterion["label"].as_str().unwrap_or(id);
        assert_eq!(shown, label, "criterion {id}");
    }
    let bars = browser
        .run(
            "return document.querySelectorAll('#funnel svg rect').length;",
            vec![],
        )
        .await;
    assert!(bars.as_u64().unwrap() > 3, "the funnel has bars: {bars}");

    // 3. The undetermined patients, as many as `rulec eval` finds.
    let expected = counts.get("undetermined").copied().unwrap_or(0);
    assert!(expected > 0);
    let select = browser
        .client
        .find(Locator::Css("#filter-status"))
        .await
        .unwrap();
    select.select_by_value("undetermined").await.unwrap();
    browser
        .wait(
            "the undetermined patients",
            "(() => { const rows = [...document.querySelectorAll('#patients tbody tr')];
              return rows.length > 0 && rows.every(r => r.dataset.status === 'undetermined')
                && document.getElementById('total-count').textContent !== '320'; })()",
        )
        .await;
    assert_eq!(browser.text("#total-count").await, expected.to_string());
    let statuses = browser
        .run(
            "return [...document.querySelectorAll('#patients tbody tr td.status')].map(td => td.textContent);",
            vec![],
        )
        .await;
    for shown in statuses.as_array().unwrap() {
        assert_eq!(shown, "undetermined");
    }
    browser
        .run(
            "document.getElementById('patients').scrollIntoView();",
            vec![],
        )
        .await;
    browser.shot("02-undetermined").await;

    // 4. One patient's explanation names the missing field.
    let rows = browser
        .client
        .find_all(Locator::Css("#patients tbody tr"))
        .await
        .unwrap();
    let mut chosen = None;
    for row in rows {
        if row.text().await.unwrap().contains("missing hemoglobin") {
            chosen = Some(row);
            break;
        }
    }
    let row = chosen.expect("an undetermined patient missing hemoglobin on the first page");
    let n = row.attr("data-n").await.unwrap().unwrap();
    row.click().await.unwrap();
    browser
        .wait(
            "the explanation",
            "document.querySelector('#explanation .missing')",
        )
        .await;
    let (_, explained) = served.get(&format!("/api/patients/{n}"));
    let missing = browser.text("#explanation .missing").await;
    assert!(missing.contains("hemoglobin"), "{missing}");
    for field in explained["verdict"]["missing"].as_array().unwrap() {
        assert!(missing.contains(field.as_str().unwrap()), "{missing}");
    }
    let hb = browser
        .text("#explanation tr[data-criterion=\"hemoglobin\"]")
        .await;
    assert!(hb.contains("unknown") && hb.contains("Hb > 80 g/L"), "{hb}");
    browser.shot("03-explanation").await;

    // 5. A typo in the editor: the diagnostic appears inline, with its code.
    let placed = browser
        .run(
            "const t = document.getElementById('source');
             const at = t.value.indexOf('hemoglobin > 80 g/L') + 'hemoglobin'.length;
             t.focus(); t.setSelectionRange(at, at);
             t.scrollTop = Math.max(0, t.value.slice(0, at).split('\\n').length - 8) * 18;
             return at;",
            vec![],
        )
        .await;
    assert!(placed.as_i64().unwrap() > 20, "{placed}");
    let editor = browser.client.active_element().await.unwrap();
    editor.send_keys("x").await.unwrap();
    let typed = browser
        .run("return document.getElementById('source').value;", vec![])
        .await;
    assert!(
        typed.as_str().unwrap().contains("hemoglobinx > 80 g/L"),
        "the typo went elsewhere"
    );
    let unknown = "#diagnostics li[data-code=\"rulec::check::unknown_name\"]";
    browser
        .wait(
            "the diagnostic",
            &format!("document.querySelector('{unknown}')"),
        )
        .await;
    let diagnostic = browser.text(unknown).await;
    assert!(
        diagnostic.contains("unknown name `hemoglobinx`"),
        "{diagnostic}"
    );
    assert!(
        diagnostic.contains("did you mean `hemoglobin`?"),
        "{diagnostic}"
    );
    assert_eq!(browser.text("#backdrop mark").await, "hemoglobinx");
    let marked = browser
        .run(
            "return document.querySelectorAll('#gutter .bad').length;",
            vec![],
        )
        .await;
    assert_eq!(marked, json!(1));
    browser.shot("04-typo-diagnostic").await;

    // 6. Fixed: the diagnostic goes, and the patients are screened again.
    editor.send_keys("\u{E003}").await.unwrap();
    browser
        .wait(
            "the diagnostic to go",
            &format!(
                "!document.querySelector('{unknown}') && \
                 document.getElementById('check-state').dataset.state === 'ok'"
            ),
        )
        .await;
    browser
        .wait(
            "the patients screened with the fixed rules",
            "document.querySelector('#count[data-generation=\"2\"][data-done=\"true\"]') && \
             document.querySelector('#progress[data-done=\"true\"]')",
        )
        .await;
    let (_, status) = served.get("/api/status");
    assert_eq!(status["generation"], 2, "the fixed rules were screened");
    assert_eq!(browser.text("#total-count").await, expected.to_string());
    browser.shot("05-fixed").await;

    // 7. Answers out of order: the eligible patients are asked for first
    // but answered last (the page's fetch slowed for them); the table
    // shows the ineligible ones, asked for last.
    browser
        .run(
            "const fetch = window.fetch.bind(window);
             window.fetch = async (url, options) => {
               const answer = await fetch(url, options);
               if (String(url).includes('status=eligible')) {
                 await new Promise((resolve) => setTimeout(resolve, 1500));
               }
               return answer;
             };",
            vec![],
        )
        .await;
    select.select_by_value("eligible").await.unwrap();
    select.select_by_value("ineligible").await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let ineligible = counts.get("ineligible").copied().unwrap_or(0);
    assert_eq!(browser.text("#total-count").await, ineligible.to_string());
    let statuses = browser
        .run(
            "return [...document.querySelectorAll('#patients tbody tr')].map(r => r.dataset.status);",
            vec![],
        )
        .await;
    for shown in statuses.as_array().unwrap() {
        assert_eq!(shown, "ineligible", "a stale page of patients is shown");
    }
    let blocked = browser.run("return window.blocked;", vec![]).await;
    assert_eq!(
        blocked,
        json!([]),
        "the page did what its own policy forbids"
    );
}
