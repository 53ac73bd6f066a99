/**
 * The page's own script (plain browser JavaScript, kept as text so it is
 * the same from lib/ and from an action bundle): builds each chart from its
 * embedded JSON configuration and packed points (chart-data.ts), parsed
 * only when the chart is drawn, adds tick
 * and tooltip formatting, and shows a run's details with its links when a
 * point is clicked. A big report draws its charts as they scroll into view;
 * a decimated chart loads its metric's data file (a script beside the page,
 * which file:// allows where it forbids fetch) when asked for every point.
 * Everything taken from the data goes into the page as text (textContent),
 * never as markup.
 */

import { DATA_CALLBACK } from './chart-data.js'

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('stackci-report-data').textContent)
  var runs = data.runs
  var colors = data.colors
  var byMetric = {}
  function unpack(packed, datasets, ymin) {
    packed.sets.forEach(function (set, i) {
      if (!set) return
      var ds = datasets[i]
      var points = []
      var run = 0
      for (var j = 0; j < set.y.length; j++) {
        run += set.r[j]
        var combo = packed.combos[typeof set.k === 'number' ? set.k : set.k[j]]
        points.push({ x: runs[run].time, y: set.y[j] === null ? ymin : set.y[j], run: run, status: combo[1], line: combo[0], checks: combo[2] })
      }
      ds.data = points
      ds.pointBackgroundColor = points.map(function (p) { return colors[p.status] })
      ds.pointBorderColor = ds.pointBackgroundColor
    })
  }
  function pad(n) { return (n < 10 ? '0' : '') + n }
  function day(ms) {
    var d = new Date(ms)
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate())
  }
  function stamp(ms) {
    var d = new Date(ms)
    return day(ms) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC'
  }
  function number(v) { return String(Number(v.toPrecision(6))) }
  function runLines(run) {
    var out = []
    if (!run) return out
    out.push('series ' + run.series)
    if (run.releaseTag) out.push('release ' + run.releaseTag)
    if (run.gitSha) out.push('git ' + run.gitSha.slice(0, 12))
    if (run.imageDigest) out.push('image ' + run.imageDigest.slice(0, 19) + '…')
    for (var i = 0; i < run.links.length; i++) out.push(run.links[i].label + ': ' + run.links[i].url)
    out.push('job ' + run.jobId)
    return out
  }
  function safeHref(url) { return /^https?:\/\//i.test(url) ? url : null }
  function showDetails(pane, datum, unit) {
    var run = runs[datum.run]
    pane.textContent = ''
    var head = document.createElement('strong')
    head.textContent = datum.line + ' · ' + stamp(datum.x) + ' · ' +
      (datum.status === 'no-value' ? 'no value' : number(datum.y) + (unit ? ' ' + unit : '')) +
      ' · ' + datum.status
    pane.appendChild(head)
    var list = document.createElement('ul')
    var items = datum.checks.concat(runLines(run).filter(function (l) { return !/^(Jenkins build|workflow run): /.test(l) }))
    for (var i = 0; i < items.length; i++) {
      var li = document.createElement('li')
      li.textContent = items[i]
      list.appendChild(li)
    }
    if (run) {
      for (var j = 0; j < run.links.length; j++) {
        var href = safeHref(run.links[j].url)
        if (!href) continue
        var item = document.createElement('li')
        var a = document.createElement('a')
        a.href = href
        a.rel = 'noopener noreferrer'
        a.target = '_blank'
        a.textContent = run.links[j].label
        item.appendChild(a)
        list.appendChild(item)
      }
    }
    pane.appendChild(list)
    pane.hidden = false
  }
  if (typeof Chart === 'undefined') {
    document.body.setAttribute('data-charts', 'error')
    return
  }
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif'
  function draw(entry) {
    if (entry.chart) return entry.chart
    var canvas = document.getElementById(entry.canvas)
    var pane = document.getElementById(entry.details)
    // Parsed only now: a chart never drawn costs no parsing.
    var own = JSON.parse(document.getElementById(entry.data).textContent)
    var config = own.config
    var ticks = config.options.scales.x.ticks
    ticks.maxRotation = 0
    ticks.autoSkipPadding = 12
    ticks.callback = function (v) { return ticks.stepSize < 86400000 ? stamp(v) : day(v) }
    config.options.plugins = {
      legend: { position: 'bottom', labels: { boxWidth: 22, boxHeight: 3 } },
      tooltip: {
        filter: function (item) { return item.dataset.stackci.kind !== 'threshold' },
        callbacks: {
          title: function (items) { return items.length ? stamp(items[0].raw.x) : '' },
          label: function (item) {
            var d = item.raw
            return d.line + ': ' + (d.status === 'no-value' ? 'no value' : number(d.y) + (entry.unit ? ' ' + entry.unit : '')) + ' (' + d.status + ')'
          },
          afterLabel: function (item) {
            var d = item.raw
            return d.checks.concat(runLines(runs[d.run]), ['click the point for links'])
          }
        }
      }
    }
    config.options.onClick = function (_event, elements, chart) {
      if (!elements.length) return
      var el = elements[0]
      var ds = chart.data.datasets[el.datasetIndex]
      if (ds.stackci.kind === 'threshold') return
      showDetails(pane, ds.data[el.index], entry.unit)
    }
    config.options.onHover = function (event, elements) {
      event.native.target.style.cursor = elements.length ? 'pointer' : 'default'
    }
    unpack(own.packed, config.data.datasets, config.options.scales.y.min)
    entry.chart = new Chart(canvas, config)
    return entry.chart
  }
  // A data file calls this with its metric's every point.
  window.${DATA_CALLBACK} = function (metric, packed) {
    var entry = byMetric[metric]
    if (!entry) return
    var chart = draw(entry)
    unpack(packed, chart.data.datasets, chart.options.scales.y.min)
    chart.update('none')
    var section = document.getElementById(entry.canvas).closest('section')
    section.setAttribute('data-resolution', 'full')
    var button = document.getElementById(entry.button)
    button.textContent = 'all points shown'
    button.disabled = true
  }
  function loadFull(entry) {
    var button = document.getElementById(entry.button)
    if (button.disabled) return
    button.disabled = true
    button.textContent = 'loading…'
    var script = document.createElement('script')
    script.src = entry.full
    script.onerror = function () {
      button.disabled = false
      button.textContent = 'show all points'
      var note = document.createElement('span')
      note.className = 'error'
      note.textContent = ' ' + entry.full + ' could not be loaded: keep the data directory beside the page'
      button.parentNode.appendChild(note)
    }
    document.head.appendChild(script)
  }
  data.charts.forEach(function (entry) {
    byMetric[entry.metric] = entry
    if (entry.full) document.getElementById(entry.button).addEventListener('click', function () { loadFull(entry) })
  })
  function ready() { document.body.setAttribute('data-charts', 'ready') }
  if (!data.lazy || typeof IntersectionObserver === 'undefined') {
    data.charts.forEach(draw)
    ready()
    return
  }
  var byCanvas = {}
  var observer = new IntersectionObserver(function (seen) {
    seen.forEach(function (e) {
      if (!e.isIntersecting) return
      draw(byCanvas[e.target.id])
      observer.unobserve(e.target)
    })
    ready()
  }, { rootMargin: '300px 0px' })
  data.charts.forEach(function (entry) {
    byCanvas[entry.canvas] = entry
    observer.observe(document.getElementById(entry.canvas))
  })
})()
`
