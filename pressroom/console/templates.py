"""The console's pages as Jinja2 templates, autoescaped. They live in this module rather than in
.html files so every install (wheels, the Lambda image) carries them without package data."""

# ruff: noqa: E501  (markup: long lines read better than split tags)

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote

import jinja2

BASE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · pressroom console</title>
{% if signed_in %}
<link rel="stylesheet" href="{{ root }}/static/console.css">
<link rel="icon" href="{{ root }}/static/icon.svg" type="image/svg+xml">
<script src="{{ root }}/static/console.js" defer></script>
{% else %}
<style>{{ inline_css|safe }}</style>
{% endif %}
</head>
<body>
<header class="top">
  <a class="brand" href="{{ root }}/">pressroom <span>console</span></a>
  {% if signed_in %}
  <nav class="main-nav">
    {% for key, label in [("photos", "Photos"), ("books", "Books"), ("jobs", "Print jobs")] %}
    <a href="{{ root }}/{{ key }}"{% if section == key %} aria-current="page"{% endif %}>{{ label }}</a>
    {% endfor %}
  </nav>
  <form method="post" action="{{ root }}/logout" class="signout"><button>Sign out</button></form>
  {% endif %}
</header>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

LOGIN = """{% extends "base.html" %}
{% block main %}
<section class="login">
  <h1>Sign in</h1>
  <p>The console shows customers' photos, books and orders. Enter the console token
  (<code>PRESSROOM_CONSOLE_TOKEN</code>) to continue.</p>
  {% if error %}<p class="callout bad" role="alert">{{ error }}</p>{% endif %}
  <form method="post" action="{{ root }}/login">
    <input type="hidden" name="next" value="{{ next }}">
    <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
    <button class="primary">Sign in</button>
  </form>
</section>
{% endblock %}
"""

HOME = """{% extends "base.html" %}
{% block main %}
<h1>Overview</h1>
<div class="overview">
  <section class="panel">
    <h2><a href="{{ root }}/photos">Photos</a></h2>
    <ul class="counts">
      {% for state, n in photo_counts.items() %}
      <li><a href="{{ root }}/photos?state={{ state }}"><span class="badge s-{{ state }}">{{ state|state }}</span> <b>{{ n }}</b></a></li>
      {% endfor %}
    </ul>
  </section>
  <section class="panel">
    <h2><a href="{{ root }}/books">Books</a></h2>
    {% if books %}
    <ul class="plain">
      {% for b in books %}
      <li><a href="{{ root }}/books/{{ b.id|seg }}">{{ b.title or "Untitled" }}</a>
        <span class="muted">{{ b.pages }} pages · {{ b.created_at|ago }}</span>
        {% if b.status %}<span class="badge s-{{ b.status }}">{{ b.status|state }}</span>{% endif %}</li>
      {% endfor %}
    </ul>
    {% else %}<p class="muted">No designed books yet.</p>{% endif %}
  </section>
  <section class="panel">
    <h2><a href="{{ root }}/jobs">Print jobs</a></h2>
    {% if job_counts is none %}<p class="muted">Print jobs are not available here.</p>
    {% else %}
    <ul class="counts">
      {% for state, n in job_counts.items() %}
      <li><a href="{{ root }}/jobs?state={{ state }}"><span class="badge s-{{ state }}">{{ state|state }}</span> <b>{{ n }}</b></a></li>
      {% endfor %}
    </ul>
    {% endif %}
  </section>
</div>
{% endblock %}
"""

PHOTOS = """{% extends "base.html" %}
{% block main %}
<div class="head">
  <h1>Photos</h1>
  <form class="find" method="get" action="{{ root }}/photos">
    <label class="sr" for="find">Photo id</label>
    <input id="find" name="id" placeholder="Find a photo by id" value="{{ find }}">
    <button>Open</button>
  </form>
</div>
<nav class="tabs" aria-label="State">
  {% for key, label, n in tabs %}
  <a href="{{ root }}/photos{% if key %}?state={{ key }}{% endif %}"{% if key == state %} aria-current="page"{% endif %}>{{ label }} <b>{{ n }}</b></a>
  {% endfor %}
</nav>
<form class="filters" method="get" action="{{ root }}/photos">
  <label>State
    <select name="state" data-autosubmit>
      <option value="">any</option>
      {% for s in states %}<option value="{{ s }}"{% if s == state %} selected{% endif %}>{{ s|state }}</option>{% endfor %}
    </select>
  </label>
  <label>Reason
    <select name="reason" data-autosubmit>
      <option value="">any</option>
      {% for r in reasons %}<option value="{{ r }}"{% if r == reason %} selected{% endif %}>{{ r|reason }}</option>{% endfor %}
    </select>
  </label>
  <button>Filter</button>
</form>
{% for n in notices %}<p class="callout warn">{{ n }}</p>{% endfor %}
{% if not thumbs_on %}<p class="callout warn">Thumbnails are off: set <code>PRESSROOM_SIGNING_KEY</code> (or <code>PRESSROOM_ALLOW_UNSIGNED=1</code> on a local machine).</p>{% endif %}
<p class="muted result-count">{{ cards|length }} photo{{ "" if cards|length == 1 else "s" }}{% if cards|length >= limit %} (the newest {{ limit }}){% endif %}{% if state %} · {{ state|state }}{% endif %}{% if reason %} · {{ reason|reason }}{% endif %}</p>
{% if cards %}
<ul class="grid">
  {% for c in cards %}
  <li class="card" data-state="{{ c.state }}">
    <a href="{{ root }}/photos/{{ c.id|seg }}">
      {% if c.state == "uploaded" and thumbs_on %}
      <img src="{{ thumb(c.id, 'pr:thumb/dpr:2') }}" alt="" width="200" height="200" loading="lazy">
      {% else %}
      <div class="placeholder s-{{ c.state }}">{{ c.reason|reason if c.reason else c.state|state }}</div>
      {% endif %}
      <span class="name" title="{{ c.name }}">{{ c.name }}</span>
    </a>
    <span class="line"><span class="badge s-{{ c.state }}">{{ c.state|state }}</span>
    {% if c.reason %}<span class="why">{{ c.reason|reason }}</span>{% endif %}</span>
    <time class="muted" datetime="{{ c.updated_at|iso }}">{{ c.updated_at|ago }}</time>
  </li>
  {% endfor %}
</ul>
{% else %}
<p class="empty">No photos match.</p>
{% endif %}
{% endblock %}
"""

PHOTO = """{% extends "base.html" %}
{% block main %}
<nav class="crumbs"><a href="{{ root }}/photos">Photos</a> › <span>{{ name }}</span></nav>
<div class="head">
  <h1>{{ name }}</h1>
  <span class="badge big s-{{ rec.state }}">{{ rec.state|state }}</span>
</div>
{% if rec.state == "rejected" %}
<section class="callout bad verdict">
  <h2>Why this upload was rejected</h2>
  <p class="big">{{ story.what }}</p>
  {% if story.advice %}<p><b>What to tell the customer:</b> {{ story.advice }}</p>{% endif %}
  <p class="muted">The customer was told: “{{ rec.message or "—" }}”</p>
  <p class="muted">Reason code <code>{{ rec.reason }}</code>{% if story.detail %} · detail <code>{{ story.detail }}</code>{% endif %}</p>
</section>
{% elif rec.state == "missing" %}
<section class="callout warn verdict">
  <h2>Not uploaded yet</h2>
  <p class="big">The app announced this photo {{ rec.created_at|ago }}, but its file never arrived.</p>
  <p>Usually the phone lost its connection or the app was closed during the upload. Ask the customer to open the app again so it can finish; photos still missing after {{ missing_days|round|int }} days are forgotten.</p>
</section>
{% endif %}
<div class="photo-layout">
  {% if rec.state == "uploaded" %}
  <figure class="master">
    <div class="frame">
      {% if thumbs_on %}
      <img id="master" src="{{ thumb(rec.id, 'pr:large') }}" alt="{{ name }}" width="{{ width }}" height="{{ height }}">
      {% else %}
      <svg class="blank" viewBox="0 0 {{ width }} {{ height }}"><rect width="{{ width }}" height="{{ height }}"/></svg>
      {% endif %}
      <svg class="overlay" id="faces" viewBox="0 0 {{ width }} {{ height }}" preserveAspectRatio="none" aria-label="{{ faces|length }} face boxes">
        {% for f in faces %}
        <g class="face" data-box="{{ f.x|round(1) }},{{ f.y|round(1) }},{{ f.w|round(1) }},{{ f.h|round(1) }}">
          <rect x="{{ f.x }}" y="{{ f.y }}" width="{{ f.w }}" height="{{ f.h }}"><title>Face {{ f.index }}{% if f.score is not none %} (score {{ "%.2f"|format(f.score) }}){% endif %}</title></rect>
          <text x="{{ f.x }}" y="{{ f.y }}" dy="-0.35em" font-size="{{ label_size }}">{{ f.index }}</text>
        </g>
        {% endfor %}
      </svg>
    </div>
    <figcaption>
      {% if faces %}{{ faces|length }} face{{ "" if faces|length == 1 else "s" }} found, outlined.{% else %}No faces found.{% endif %}
      Master {{ width }} × {{ height }} px, upright sRGB.
    </figcaption>
  </figure>
  {% endif %}
  <div class="facts">
    <section>
      <h2>File</h2>
      <dl>
        {% for label, value in facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
        <dt>Photo id</dt><dd><code>{{ rec.id }}</code></dd>
        <dt>Received</dt><dd><time datetime="{{ rec.created_at|iso }}">{{ rec.created_at|when }}</time></dd>
        {% if rec.updated_at != rec.created_at %}<dt>Last change</dt><dd><time datetime="{{ rec.updated_at|iso }}">{{ rec.updated_at|when }}</time></dd>{% endif %}
      </dl>
    </section>
    {% if tags %}
    <section>
      <h2>Tags</h2>
      <dl class="tags">
        {% for t in tags %}
        <dt>{{ t.label }}</dt>
        <dd>{% if t.meter is not none %}<meter min="0" max="1" low="0.35" high="0.6" optimum="1" value="{{ t.meter }}"></meter> {% endif %}<span class="num">{{ t.value }}</span>{% if t.words %} <span class="pill {{ t.level }}">{{ t.words }}</span>{% endif %}</dd>
        {% endfor %}
        {% if colours %}
        <dt>Colours</dt>
        <dd><svg class="swatches" viewBox="0 0 100 10" preserveAspectRatio="none">{% set ns = namespace(x=0) %}{% for hex, share in colours %}<rect x="{{ ns.x }}" width="{{ share * 100 }}" height="10" fill="{{ hex }}"><title>{{ hex }} {{ (share * 100)|round|int }}%</title></rect>{% set ns.x = ns.x + share * 100 %}{% endfor %}</svg></dd>
        {% endif %}
      </dl>
    </section>
    <section>
      <h2>Duplicates group</h2>
      {% if lookalikes %}
      <p class="muted">Near-duplicates or burst shots of this photo (a book keeps only the best of a group):</p>
      <ul class="mini-grid">
        {% for pid, d, label in lookalikes %}
        <li><a href="{{ root }}/photos/{{ pid|seg }}" title="pHash distance {{ d }}">{% if thumbs_on %}<img src="{{ thumb(pid, 'pr:thumb') }}" alt="" width="100" height="100" loading="lazy">{% endif %}<span>{{ label }}</span></a></li>
        {% endfor %}
      </ul>
      {% else %}
      <p class="muted">None: no other recent photo looks like this one.</p>
      {% endif %}
    </section>
    {% elif rec.state == "uploaded" %}
    <section><h2>Tags</h2><p class="muted">Not tagged (tagging was off when it was uploaded).</p></section>
    {% endif %}
  </div>
</div>
{% endblock %}
"""

BOOKS = """{% extends "base.html" %}
{% block main %}
<h1>Books</h1>
{% if books %}
<ul class="book-list">
  {% for b in books %}
  <li class="panel">
    <a href="{{ root }}/books/{{ b.id|seg }}">
      {% if "cover" in (b.previews or []) %}<img src="{{ root }}/books/{{ b.id|seg }}/pages/cover.jpg" alt="" loading="lazy">{% endif %}
      <span class="title">{{ b.title or "Untitled" }}</span>
    </a>
    <span class="muted">{{ b.product }} · {{ b.pages }} pages · {{ b.photos }} photos · {{ b.created_at|ago }}</span>
    {% if b.status %}<span class="badge s-{{ b.status }}">preflight {{ b.status|state }}</span>{% endif %}
  </li>
  {% endfor %}
</ul>
{% else %}
<p class="empty">No designed books yet. <code>pressroom book</code> and <code>pressroom demo</code> store every book they design here.</p>
{% endif %}
{% endblock %}
"""

BOOK = """{% extends "base.html" %}
{% macro page(p) %}
<figure class="page{% if p.level %} has-{{ p.level }}{% endif %}{% if p.number == 0 %} cover{% endif %}" id="{{ p.key }}" data-page="{{ p.number }}" data-findings="{{ p.findings|length }}">
  <div class="frame">
    {% if p.preview %}
    <img src="{{ root }}/books/{{ book.id|seg }}/pages/{{ p.key }}.jpg" alt="{{ p.label }}" loading="lazy">
    {% else %}
    <svg class="blank" viewBox="{{ p.viewbox }}"><rect x="{{ -p.bleed }}" y="{{ -p.bleed }}" width="{{ p.width + 2 * p.bleed }}" height="{{ p.height + 2 * p.bleed }}"/></svg>
    {% endif %}
    <svg class="overlay" viewBox="{{ p.viewbox }}" preserveAspectRatio="none">
      <rect class="trim" x="0" y="0" width="{{ p.width }}" height="{{ p.height }}"/>
      {% if p.spine %}<line class="spine" x1="{{ p.spine[0] }}" y1="0" x2="{{ p.spine[0] }}" y2="{{ p.height }}"/><line class="spine" x1="{{ p.spine[1] }}" y1="0" x2="{{ p.spine[1] }}" y2="{{ p.height }}"/>{% endif %}
      {% for pl in p.placements %}
      <a href="{{ root }}/photos/{{ pl.photo_id|seg }}" class="placement ppi-{{ pl.level }}" data-ppi="{{ pl.ppi|round|int }}">
        <rect class="box" x="{{ pl.x }}" y="{{ pl.y }}" width="{{ pl.w }}" height="{{ pl.h }}"><title>{{ pl.ppi|round|int }} ppi{% if pl.flags %} ({{ pl.flags|join(", ") }}){% endif %}</title></rect>
        <rect class="tag" x="{{ pl.x + 1.5 }}" y="{{ pl.y + 1.5 }}" width="{{ badge_w }}" height="7" rx="1.5"/>
        <text x="{{ pl.x + 1.5 + badge_w / 2 }}" y="{{ pl.y + 6.6 }}" font-size="4.6" text-anchor="middle">{{ pl.ppi|round|int }} ppi</text>
      </a>
      {% endfor %}
    </svg>
  </div>
  <figcaption>
    <b>{{ p.label }}</b> <span class="muted">{{ p.layout }}</span>
    {% if p.findings %}
    <ul class="findings">
      {% for f, n in p.grouped %}<li class="finding {{ f.level }}" title="{{ f.message }}">{{ f.words }}{% if n > 1 %} <b>× {{ n }}</b>{% endif %}</li>{% endfor %}
    </ul>
    {% endif %}
  </figcaption>
</figure>
{% endmacro %}
{% block main %}
<nav class="crumbs"><a href="{{ root }}/books">Books</a> › <span>{{ book.title or "Untitled" }}</span></nav>
<div class="head">
  <h1>{{ book.title or "Untitled" }}</h1>
  {% if book.status %}<span class="badge big s-{{ book.status }}" id="preflight-status">preflight {{ book.status|state }}</span>{% endif %}
</div>
<p class="muted">{{ book.product }} · {{ book.pages|selectattr("number")|list|length }} pages{% if book.spine_mm %} · spine {{ "%.1f"|format(book.spine_mm) }} mm{% endif %} · target {{ book.target_ppi|round|int }} ppi, minimum {{ book.min_ppi|round|int }} · designed {{ book.summary.created_at|when }} · book id <code>{{ book.id }}</code></p>
<div class="book-facts">
  <section class="panel">
    <h2>Preflight</h2>
    {% if book.report_status %}
    <ul class="plain">
      {% for file, st in book.report_status.items() %}<li>{{ file }}: <span class="badge s-{{ st }}">{{ st|state }}</span>{% if book.files.get(file) %} <code class="path">{{ book.files[file] }}</code>{% endif %}</li>{% endfor %}
    </ul>
    <p class="muted">{{ warned_pages }} page{{ "" if warned_pages == 1 else "s" }} with findings, marked below.</p>
    {% else %}<p class="muted">No preflight report was stored.</p>{% endif %}
    {% if book.general %}
    <ul class="findings">{% for f in book.general %}<li class="finding {{ f.level }}" title="{{ f.message }}">{{ f.file }}: {{ f.words }}</li>{% endfor %}</ul>
    {% endif %}
  </section>
  <section class="panel">
    <h2>Resolution</h2>
    <ul class="legend">
      <li><span class="key ppi-ok"></span> at least {{ book.target_ppi|round|int }} ppi</li>
      <li><span class="key ppi-low"></span> under {{ book.target_ppi|round|int }} ppi: may look soft up close</li>
      <li><span class="key ppi-bad"></span> under {{ book.min_ppi|round|int }} ppi: will look blurry</li>
    </ul>
  </section>
  {% if book.dropped or book.warnings %}
  <section class="panel">
    <h2>Left out of the book</h2>
    {% for w in book.warnings %}<p>{{ w }}</p>{% endfor %}
    {% if book.dropped %}
    <ul class="mini-grid">
      {% for d in book.dropped %}
      <li><a href="{{ root }}/photos/{{ d.photo_id|seg }}">{% if thumbs_on %}<img src="{{ thumb(d.photo_id, 'pr:thumb') }}" alt="" width="100" height="100" loading="lazy">{% endif %}<span>{{ d.words }}</span></a></li>
      {% endfor %}
    </ul>
    {% endif %}
  </section>
  {% endif %}
</div>
<h2 class="spreads-title">Pages</h2>
<div class="spreads">
  {% for spread in book.spreads %}
  <div class="spread{% if spread|length == 1 %} single{% endif %}">
    {% for p in spread %}
    {% if p %}{{ page(p) }}{% else %}<div class="page inside" aria-hidden="true"><svg viewBox="{{ book.pages[-1].viewbox }}"><text x="50%" y="50%" text-anchor="middle" font-size="7">inside of the cover</text></svg></div>{% endif %}
    {% endfor %}
  </div>
  {% endfor %}
</div>
{% endblock %}
"""

JOBS = """{% extends "base.html" %}
{% block main %}
<h1>Print jobs</h1>
{% if error %}
<p class="callout warn">Print jobs are not available here: {{ error }}</p>
{% else %}
<nav class="tabs" aria-label="State">
  {% for key, label, n in tabs %}
  <a href="{{ root }}/jobs{% if key %}?state={{ key }}{% endif %}"{% if key == state %} aria-current="page"{% endif %}>{{ label }}{% if n is not none %} <b>{{ n }}</b>{% endif %}</a>
  {% endfor %}
</nav>
{% for n in notices %}<p class="callout warn">{{ n }}</p>{% endfor %}
{% if jobs %}
<table class="jobs">
  <thead><tr><th>Created</th><th>Job</th><th>Book</th><th>State</th><th>Attempts</th><th>Why / result</th></tr></thead>
  <tbody>
  {% for j in jobs %}
  <tr data-state="{{ j.state }}">
    <td><time datetime="{{ j.created_at|iso }}" title="{{ j.created_at|when }}">{{ j.created_at|ago }}</time></td>
    <td><a href="{{ root }}/jobs/{{ j.id|seg }}"><code>{{ j.id }}</code></a></td>
    <td>{{ j.book.get("title") or "Untitled" }} <span class="muted">{{ j.book.get("product", "") }}</span></td>
    <td><span class="badge s-{{ j.state }}">{{ j.state|state }}</span></td>
    <td class="num">{{ j.attempts }}</td>
    <td>{% if j.state == "failed" or (j.reason and j.state != "ready") %}<span class="why">{{ job_words(j)[0] }}</span>{% if j.state == "queued" %} <span class="muted">(will retry)</span>{% endif %}{% elif j.state == "ready" %}{{ j.result.get("pages", "?") }} pages in {{ j.result.get("seconds", "?") }} s{% elif j.state == "rendering" %}<span class="muted">until {{ j.lease_until|when }}</span>{% endif %}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p class="empty">No print jobs{% if state %} {{ state|state }}{% endif %}.</p>
{% endif %}
{% endif %}
{% endblock %}
"""

JOB = """{% extends "base.html" %}
{% block main %}
<nav class="crumbs"><a href="{{ root }}/jobs">Print jobs</a> › <span>{{ job.id }}</span></nav>
<div class="head">
  <h1>Print job <code>{{ job.id }}</code></h1>
  <span class="badge big s-{{ job.state }}">{{ job.state|state }}</span>
</div>
{% if job.reason and job.state != "ready" %}
<section class="callout {{ 'bad' if job.state == 'failed' else 'warn' }} verdict">
  <h2>{{ "Why it failed" if job.state == "failed" else "Why the last attempt failed" }}</h2>
  <p class="big">{{ story[0] }}</p>
  {% if story[1] %}<p><b>What to do:</b> {{ story[1] }}</p>{% endif %}
  {% if gone %}<p><b>Not in storage:</b> {% for pid in gone %}<a href="{{ root }}/photos/{{ pid|seg }}"><code>{{ pid }}</code></a>{{ ", " if not loop.last }}{% endfor %}</p>{% endif %}
  <p class="muted">Reason code <code>{{ job.reason }}</code>{% if job.message %} · “{{ job.message }}”{% endif %}</p>
</section>
{% endif %}
<div class="facts wide">
  <dl>
    <dt>Book</dt><dd>{{ job.book.get("title") or "Untitled" }} · {{ job.book.get("product", "") }} · {{ (job.book.get("pages") or [])|length }} pages{% if book_id %} · <a href="{{ root }}/books/{{ book_id|seg }}">see the book</a>{% endif %}</dd>
    <dt>Created</dt><dd>{{ job.created_at|when }}</dd>
    <dt>Last change</dt><dd>{{ job.updated_at|when }}</dd>
    <dt>Attempts</dt><dd>{{ job.attempts }}</dd>
    {% if job.state == "rendering" %}<dt>Lease</dt><dd>until {{ job.lease_until|when }}</dd>{% endif %}
    {% if job.correlation_id %}<dt>Correlation id</dt><dd><code>{{ job.correlation_id }}</code></dd>{% endif %}
    {% if job.result %}
    <dt>Result</dt><dd>{{ job.result.get("pages", "?") }} pages in {{ job.result.get("seconds", "?") }} s
      <ul class="plain">{% for f in job.result.get("files") or [] %}<li><code class="path">{{ f }}</code></li>{% endfor %}</ul></dd>
    {% endif %}
  </dl>
</div>
{% endblock %}
"""

ERROR = """{% extends "base.html" %}
{% block main %}
<section class="callout {{ 'warn' if status < 500 else 'bad' }} verdict">
  <h1>{{ heading }}</h1>
  <p>{{ message }}</p>
  <p><a href="{{ root }}/">Back to the overview</a></p>
</section>
{% endblock %}
"""

TEMPLATES = {
    "base.html": BASE,
    "login.html": LOGIN,
    "home.html": HOME,
    "photos.html": PHOTOS,
    "photo.html": PHOTO,
    "books.html": BOOKS,
    "book.html": BOOK,
    "jobs.html": JOBS,
    "job.html": JOB,
    "error.html": ERROR,
}


def _utc(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(float(ts), UTC) if ts else None


def when(ts: float | None) -> str:
    t = _utc(ts)
    return t.strftime("%d %b %Y, %H:%M UTC") if t else "—"


def iso(ts: float | None) -> str:
    t = _utc(ts)
    return t.isoformat(timespec="seconds") if t else ""


def ago(ts: float | None, now: float | None = None) -> str:
    if not ts:
        return "—"
    s = (now or time.time()) - float(ts)
    if s < 0:
        return when(ts)
    for unit, size in (("day", 86400), ("hour", 3600), ("min", 60)):
        if s >= size:
            n = int(s // size)
            return f"{n} {unit}{'s' if n != 1 and unit != 'min' else ''} ago"
    return "just now"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    from . import words

    env = jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,  # every page, every value: input is never reflected raw
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when,
        iso=iso,
        ago=ago,
        seg=lambda s: quote(str(s), safe=""),  # a URL path segment
        state=words.state,
        reason=words.reason_label,
    )
    return env


def render(template: str, /, **context: object) -> str:
    return environment().get_template(template).render(**context)
