import Mustache

/// The status page's Mustache templates. `{{…}}` escapes HTML, so directory text (DNs, failure
/// reasons) is shown, never interpreted; the pages carry no script at all.
enum StatusPageTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The texts below are constants: a parse error is a programming error caught by every test.
        try! library.register(head, named: "head")
        try! library.register(page, named: "page")
        try! library.register(login, named: "login")
        try! library.register(problem, named: "problem")
        return library
    }()

    static let head = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · FusionDirectory Orchestrator</title>
    <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em; color: #1d232a; }
    header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #ccd; margin-bottom: 1em; }
    h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; } h3 { font-size: 1em; margin: 1em 0 .3em; }
    table { border-collapse: collapse; width: 100%; margin-bottom: .5em; }
    th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #e4e6eb; vertical-align: top; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    .dn { font-family: ui-monospace, monospace; font-size: .9em; word-break: break-all; }
    .notice { padding: .5em 1em; background: #e8f4ea; border: 1px solid #9c9; }
    .error { padding: .5em 1em; background: #fbeaea; border: 1px solid #d99; }
    .muted { color: #667; } .bad { color: #b3261e; font-weight: 600; }
    form.inline { display: inline; } button { font: inherit; padding: .15em .6em; }
    figure { margin: 0; } svg { max-width: 100%; height: auto; }
    </style>
    </head>
    """

    static let page = """
    {{> head}}
    <body>
    <header>
    <h1>FusionDirectory Orchestrator</h1>
    <div>Signed in as <span class="dn" id="dsa">{{dsa}}</span>
    <form class="inline" method="post" action="{{base}}/logout"><input type="hidden" name="form_token" value="{{formToken}}"><button type="submit">Log out</button></form></div>
    </header>
    {{#hasNotice}}<p class="notice" role="status" id="notice">{{notice}}</p>{{/hasNotice}}
    {{#hasProblem}}<p class="error" role="alert" id="problem">{{problem}}</p>{{/hasProblem}}
    <p class="muted">As of {{generatedAt}} ({{zone}}). Reload the page to refresh it.</p>

    <h2>Messages, last {{chart.days}} days</h2>
    <figure id="chart">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{chart.width}} {{chart.height}}" width="{{chart.width}}" height="{{chart.height}}" role="img" aria-labelledby="chart-caption">
    <line x1="{{chart.left}}" y1="{{chart.baseline}}" x2="{{chart.right}}" y2="{{chart.baseline}}" stroke="#99a"/>
    <text x="{{chart.labelX}}" y="{{chart.topLabelY}}" font-size="11" text-anchor="end" fill="#667">{{chart.maximum}}</text>
    <text x="{{chart.labelX}}" y="{{chart.baseline}}" font-size="11" text-anchor="end" fill="#667">0</text>
    {{#chart.bars}}
    <g class="day" data-date="{{date}}"><title>{{date}}: {{sent}} sent, {{failed}} failed</title>
    <rect class="sent" x="{{sentX}}" y="{{sentY}}" width="{{width}}" height="{{sentHeight}}" fill="#3b7d4f"/>
    <rect class="failed" x="{{failedX}}" y="{{failedY}}" width="{{width}}" height="{{failedHeight}}" fill="#b3261e"/>
    <text x="{{labelX}}" y="{{labelY}}" font-size="11" text-anchor="middle" fill="#667">{{label}}</text>
    </g>
    {{/chart.bars}}
    </svg>
    <figcaption id="chart-caption"><span style="color:#3b7d4f">■</span> sent: <span id="sent-total">{{chart.sentTotal}}</span> ·
    <span style="color:#b3261e">■</span> failed: <span id="failed-total">{{chart.failedTotal}}</span> (mail, notifications and reminder runs, per day in {{zone}})</figcaption>
    </figure>

    <h2>Last runs</h2>
    {{#operations}}
    <h3 id="runs-{{name}}">{{name}}</h3>
    {{^hasRuns}}<p class="muted">No run yet.</p>{{/hasRuns}}
    {{#hasRuns}}
    <table class="runs">
    <thead><tr><th>Run</th><th>Trigger</th><th>Started</th><th class="n">Seconds</th><th class="n">Due</th><th class="n">Applied</th><th class="n">Already</th><th class="n">Failed</th><th class="n">Deferred</th><th class="n">Skipped</th><th class="n">Unknown</th><th>Note</th></tr></thead>
    <tbody>
    {{#runs}}
    <tr class="run" data-run-id="{{id}}"><td class="dn">{{id}}</td><td>{{trigger}}{{#dryRun}} (dry run){{/dryRun}}</td><td>{{started}}</td><td class="n">{{seconds}}</td>
    <td class="n">{{due}}</td><td class="n">{{applied}}</td><td class="n">{{alreadyApplied}}</td><td class="n{{failedClass}}">{{failed}}</td>
    <td class="n">{{deferred}}</td><td class="n">{{skipped}}</td><td class="n{{unknownClass}}">{{unknown}}</td><td>{{note}}</td></tr>
    {{/runs}}
    </tbody>
    </table>
    {{/hasRuns}}
    {{/operations}}

    <h2 id="unknown">Outcome unknown ({{unresolvedCount}})</h2>
    <p class="muted">The effect may have happened (a reply was lost, a run died mid-effect). Nothing retries these on its own: check (the relay's log, the account) and settle each one.</p>
    {{^hasUnresolved}}<p class="muted">None.</p>{{/hasUnresolved}}
    {{#hasUnresolved}}
    <table id="unknown-items">
    <thead><tr><th>Operation</th><th>Sub-task</th><th>Target</th><th>Since</th><th>Detail</th><th>Settle</th></tr></thead>
    <tbody>
    {{#unresolved}}
    <tr class="unknown-item"><td>{{operation}}</td><td class="dn">{{subTask}}</td><td class="dn">{{target}}</td><td>{{since}}</td><td>{{detail}}</td>
    <td><form class="inline" method="post" action="{{base}}/settle">
    <input type="hidden" name="form_token" value="{{formToken}}"><input type="hidden" name="operation" value="{{operation}}">
    <input type="hidden" name="subtask" value="{{subTask}}"><input type="hidden" name="target" value="{{target}}">
    <button type="submit" name="resolution" value="applied">It happened</button>
    <button type="submit" name="resolution" value="retry">Do it again</button></form></td></tr>
    {{/unresolved}}
    </tbody>
    </table>
    {{/hasUnresolved}}

    <h2 id="dead">Gave up after retries ({{deadCount}})</h2>
    <p class="muted">Transient failures that outlasted RETRY_MAX_ATTEMPTS. Re-driving schedules the sub-task again; the next run starts a fresh count of attempts.</p>
    {{^hasDead}}<p class="muted">None.</p>{{/hasDead}}
    {{#hasDead}}
    <table id="dead-items">
    <thead><tr><th>Operation</th><th>Sub-task</th><th>Reason</th><th></th></tr></thead>
    <tbody>
    {{#dead}}
    <tr class="dead-item"><td>{{operation}}</td><td class="dn">{{subTask}}</td><td>{{reason}}</td>
    <td><form class="inline" method="post" action="{{base}}/redrive">
    <input type="hidden" name="form_token" value="{{formToken}}"><input type="hidden" name="operation" value="{{operation}}">
    <input type="hidden" name="subtask" value="{{subTask}}"><button type="submit">Re-drive</button></form></td></tr>
    {{/dead}}
    </tbody>
    </table>
    {{/hasDead}}
    </body>
    </html>
    """

    static let login = """
    {{> head}}
    <body>
    <header><h1>FusionDirectory Orchestrator</h1></header>
    {{#hasNotice}}<p class="notice" role="status" id="notice">{{notice}}</p>{{/hasNotice}}
    {{#hasProblem}}<p class="error" role="alert" id="problem">{{problem}}</p>{{/hasProblem}}
    <form method="post" action="{{base}}/login" id="login">
    <p><label>DSA account<br><input name="username" autocomplete="username" required value="{{username}}"></label></p>
    <p><label>Password<br><input name="password" type="password" autocomplete="current-password" required></label></p>
    <p><button type="submit">Sign in</button></p>
    </form>
    </body>
    </html>
    """

    static let problem = """
    {{> head}}
    <body>
    <header><h1>FusionDirectory Orchestrator</h1></header>
    <p class="error" role="alert" id="problem">{{message}} <span class="muted">({{code}})</span></p>
    <p><a href="{{base}}">Back to the status page</a></p>
    </body>
    </html>
    """
}
