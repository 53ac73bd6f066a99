/**
 * The page's own script (plain browser JavaScript, kept as text so it is
 * the same from lib/ and from an action bundle): builds each chart from its
 * embedded JSON configuration, adds tick and tooltip formatting, and shows
 * a run's details with its links when a point is clicked. Everything taken
 * from the data goes into the page as text (textContent), never as markup.
 */

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('stackci-report-data').textContent)
  var runs = data.runs
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
  data.charts.forEach(function (entry) {
    var canvas = document.getElementById(entry.canvas)
    var pane = document.getElementById(entry.details)
    var config = entry.config
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
    new Chart(canvas, config)
  })
  document.body.setAttribute('data-charts', 'ready')
})()
`
