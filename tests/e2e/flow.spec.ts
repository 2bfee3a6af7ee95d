/**
 * The whole story in a real browser (Debian's Chromium) against a real `hdarts serve`, database
 * and search workers: launch a 2-method × 2-seed grid, watch it live, open a run and scrub its epochs,
 * diff two discovered cells, compare the methods with mean ± std, import a PyTorch DARTS log. Screenshots go to
 * test-results/e2e.
 */
import { expect, type Page, test } from '@playwright/test'
import { serverState, TINY } from './server'

const METHODS = ['darts-1st-quick', 'darts-2nd-quick']
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/e2e/screens/${name}.png`, fullPage: true })

test.describe.configure({ mode: 'serial' })

test('launch a 2 × 2 grid, watch it, inspect and diff cells, compare methods', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const { url } = serverState()
  await page.goto(url)
  await expect(page.getByTestId('nav-runs')).toBeVisible()

  // Launch: two presets, seeds 0 and 1, tiny settings for every run.
  await page.getByTestId('nav-launch').click()
  for (const m of METHODS) await page.locator(`[data-testid="preset-option"][data-preset="${m}"]`).click()
  await page.getByTestId('launch-seeds').fill('0,1')
  await page.getByTestId('launch-sets').fill(TINY.join('\n'))
  await expect(page.getByTestId('launch-count')).toContainText('4 runs')
  await expect(page.getByTestId('launch-estimate')).toBeVisible()
  await shot(page, '1-launcher')
  await page.getByTestId('launch-submit').click()

  // Runs table: four rows, live progress, then all finished.
  const rows = page.getByTestId('run-row')
  await expect(rows).toHaveCount(4)
  await expect(page.locator('[data-testid="run-row"][data-status="running"]').first()).toBeVisible({ timeout: 120_000 })
  await shot(page, '2-runs-live')
  await expect(page.locator('[data-testid="run-row"][data-status="finished"]')).toHaveCount(4, { timeout: 540_000 })
  await shot(page, '3-runs-finished')

  // Run view: charts, heatmaps, the genotype; scrubbing to epoch 0 changes the label.
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')!))
  await rows.first().click()
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'finished')
  await expect(page.getByTestId('chart-valAcc')).toBeVisible()
  await expect(page.getByTestId('alpha-heatmap')).toHaveCount(2)
  await expect(page.getByTestId('genotype-text')).toContainText('Genotype(')
  const scrubber = page.getByTestId('epoch-scrubber')
  await scrubber.fill('0')
  await expect(page.getByTestId('epoch-label')).toContainText('epoch 0')
  await expect(page.getByTestId('event-log')).toBeVisible()
  await shot(page, '4-run-view')

  // Cell viewer: the final cells of two runs, then their diff.
  await page.goto(`${new URL(url).origin}/#/cells?a=${ids[0]}&b=${ids[2]}`)
  await expect(page.getByTestId('cells-page')).toBeVisible()
  await expect(page.locator('[data-testid="cell-svg"]').first()).toBeVisible()
  await expect(page.locator('[data-testid="cell-edge"]').first()).toBeVisible()
  // Opening two runs turns the diff on; off shows the plain cells, on again the marked edges.
  await page.getByTestId('diff-toggle').uncheck()
  await expect(page.getByTestId('diff-summary')).toHaveCount(0)
  await page.getByTestId('diff-toggle').check()
  await expect(page.getByTestId('diff-summary')).toContainText(/\d+ added/)
  await expect(page.getByTestId('diff-summary')).toContainText(/\d+ removed/)
  await shot(page, '5-cell-diff')

  // Compare: select all four in the table, group by method, mean ± std and a p-value column.
  await page.getByTestId('nav-runs').click()
  // The table loads asynchronously: wait for its rows before collecting their checkboxes.
  await expect(page.getByTestId('run-select')).toHaveCount(4)
  for (const box of await page.getByTestId('run-select').all()) await box.check()
  await expect(page.getByTestId('compare-selected')).toBeEnabled()
  await page.getByTestId('compare-selected').click()
  await expect(page.getByTestId('compare-page')).toBeVisible()
  await page.getByTestId('group-by').selectOption('preset')
  const summary = page.getByTestId('summary-row')
  await expect(summary).toHaveCount(2)
  await expect(summary.first().locator('[data-metric="valAcc"]')).toContainText('±')
  await expect(page.getByTestId('band-chart-valAcc')).toBeVisible()
  await shot(page, '6-compare')

  // Export the comparison as a LaTeX table: a real download of a .tex file.
  await page.getByTestId('export-menu').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-latex').click()])
  expect(download.suggestedFilename()).toMatch(/\.tex$/)

  expect(errors).toEqual([])
})

test('evaluate a published cell from the cell viewer and export it as PNG', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const { url } = serverState()
  await page.goto(url)
  await page.goto(`${new URL(url).origin}/#/cells?lib=DARTS_V2`)
  await expect(page.locator('[data-testid="cell-svg"]').first()).toBeVisible()

  // PNG: rasterized in the page from the SVG export; a real download with the PNG signature.
  await page.getByTestId('pane-export-a').getByTestId('export-menu').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()])
  expect(download.suggestedFilename()).toMatch(/\.png$/)
  const { readFileSync } = await import('node:fs')
  const png = readFileSync((await download.path())!)
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

  // Evaluate: the dialog estimates the network, launching opens the new run's live view.
  await page.getByTestId('evaluate').first().click()
  await page.getByTestId('evaluate-sets').fill(['C=4', 'layers=3', 'epochs=1', 'limitTrain=200', 'limitTest=100'].join('\n'))
  await expect(page.getByTestId('evaluate-estimate')).toContainText('parameters')
  await shot(page, '7-evaluate-dialog')
  await page.getByTestId('evaluate-launch').click()
  await expect(page.getByTestId('run-view')).toBeVisible()
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', /queued|running|finished/)
  await expect(page.getByTestId('chart-testAcc')).toBeVisible()
  await expect(page.getByTestId('genotype-text')).toContainText('Genotype(')
  await shot(page, '8-eval-run')
  // Not waited for: the run is only checked to be in the queue's table.
  const id = await page.getByTestId('run-view').getAttribute('data-run-id')
  await page.getByTestId('nav-runs').click()
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${id}"]`)).toBeVisible()
  expect(errors).toEqual([])
})

test('import a PyTorch DARTS log from the runs page', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const { url } = serverState()
  await page.goto(url)
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId('runs-table')).toBeVisible()

  // Pasted text that is no log: the parser's line in the dialog, nothing imported.
  await page.getByTestId('log-import-open').click()
  await page.getByTestId('log-import-text').fill('hello\nworld')
  await page.getByTestId('log-import-submit').click()
  await expect(page.getByTestId('log-import-error')).toContainText('not a DARTS search log')

  // The fixture log picked as a file: the dialog closes and the new run is marked in the table.
  await page.getByTestId('log-import-file').setInputFiles('tests/fixtures/darts-log/log.txt')
  await expect(page.getByTestId('log-import-picked')).toContainText('log.txt')
  await page.getByTestId('log-import-name').fill('darts-seed2')
  await page.getByTestId('log-import-submit').click()
  await expect(page.getByTestId('log-import-file')).toHaveCount(0)
  const row = page.locator('[data-testid="run-row"][data-highlighted="true"]')
  await expect(row).toHaveCount(1)
  await expect(row).toHaveAttribute('data-status', 'finished')
  await expect(row).toContainText('darts-seed2')
  await expect(page.getByTestId('toast').filter({ hasText: 'Imported' })).toContainText('3 epoch(s) of 3')
  await shot(page, '9-log-import')
  expect(errors).toEqual([])
})
