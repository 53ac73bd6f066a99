/**
 * What runs inside the image: a small Python driver over Jupyter's own
 * executor (nbclient) and renderer (nbconvert's HTMLExporter), as the
 * image's Debian packages provide them. It executes the notebook in the
 * output directory, stops at the first failing cell as papermill does, and
 * always writes the executed `.ipynb` and the HTML (partial when a cell
 * failed); its last stdout line tells the host how it went.
 */

/** The stdout line the driver ends with, before its JSON. */
export const RESULT_MARK = 'stackci-notebook-result: '

/** The driver's verdict, parsed from its last line. */
export interface DriverResult {
  ok: boolean
  /** 1-based, counting the notebook's own cells (not the injected one). */
  cell?: number
  /** `In [n]`, when the failing cell got that far. */
  executionCount?: number
  /** `ZeroDivisionError: division by zero`. */
  error?: string
  /** The last traceback lines, colour codes removed. */
  traceback?: string[]
}

/** argv: the notebook, the output directory, the base name of what it writes. */
export const DRIVER_PY = String.raw`
import json, os, re, sys, traceback
# The output directory is bound from the host: whatever user runs stackci
# must be able to remove what the notebook (and its kernel) write there.
os.umask(0)
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

src, out_dir, name = sys.argv[1], sys.argv[2], sys.argv[3]
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, timeout=None, kernel_name='python3',
                        resources={'metadata': {'path': out_dir}})
result = {'ok': True}
try:
    client.execute()
except Exception as exc:
    said = str(exc).strip().splitlines()
    result = {'ok': False, 'error': '%s: %s' % (type(exc).__name__, said[-1] if said else '')}
    own = 0
    for cell in nb.cells:
        tags = cell.get('metadata', {}).get('tags', [])
        if 'injected-parameters' not in tags:
            own += 1
        errors = [o for o in cell.get('outputs', []) if o.get('output_type') == 'error']
        if errors:
            e = errors[0]
            result.update(cell=own, error='%s: %s' % (e.get('ename'), e.get('evalue')),
                          traceback=[ANSI.sub('', l) for t in e.get('traceback', []) for l in t.splitlines()][-12:])
            if cell.get('execution_count') is not None:
                result['executionCount'] = cell['execution_count']
            break
    if 'cell' not in result:
        result['traceback'] = traceback.format_exc().splitlines()[-12:]
nbformat.write(nb, '%s/%s.ipynb' % (out_dir, name))
html, _ = HTMLExporter().from_notebook_node(nb)
# Debian's nbconvert points require.js and MathJax at the image's own files,
# which no reader has: the page is self-contained without them.
html = re.sub(r'<script[^>]*src="file://[^"]*"[^>]*>\s*</script>', '', html)
with open('%s/%s.html' % (out_dir, name), 'w', encoding='utf-8') as f:
    f.write(html)
print('${RESULT_MARK}' + json.dumps(result), flush=True)
sys.exit(0 if result['ok'] else 1)
`

/** The driver's verdict from its output lines; undefined when it said none. */
export function parseDriverResult(
  lines: readonly string[]
): DriverResult | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? ''
    if (!line.startsWith(RESULT_MARK)) continue
    try {
      return JSON.parse(line.slice(RESULT_MARK.length)) as DriverResult
    } catch {
      return undefined
    }
  }
  return undefined
}
