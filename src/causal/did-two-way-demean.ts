/**
 * Removes unit and time means from each column (the two-way within transformation) by alternating projections
 * (Guimarães & Portugal 2010; the method behind reghdfe / fixest): exact after one sweep on a balanced panel, iterated to
 * convergence on an unbalanced one. By Frisch–Waugh–Lovell, OLS on the demeaned columns gives the slopes and residuals of
 * the regression with a full set of unit and time dummies.
 */
export function demeanTwoWay(
  columns: readonly Float64Array[],
  unit: { readonly codes: Int32Array; readonly count: number },
  time: { readonly codes: Int32Array; readonly count: number },
  options: { readonly tolerance?: number; readonly maxSweeps?: number } = {},
): { readonly columns: Float64Array[]; readonly sweeps: number; readonly converged: boolean } {
  const tolerance = options.tolerance ?? 1e-13;
  const maxSweeps = options.maxSweeps ?? 10_000;
  const unitSizes = new Float64Array(unit.count);
  const timeSizes = new Float64Array(time.count);
  for (const code of unit.codes) unitSizes[code] = (unitSizes[code] ?? 0) + 1;
  for (const code of time.codes) timeSizes[code] = (timeSizes[code] ?? 0) + 1;
  const unitSums = new Float64Array(unit.count);
  const timeSums = new Float64Array(time.count);
  let sweeps = 0;
  let converged = true;
  const output = columns.map((column) => {
    const values = Float64Array.from(column);
    let scale = 0;
    for (const value of values) scale = Math.max(scale, Math.abs(value));
    const limit = tolerance * Math.max(scale, 1);
    const removeMeans = (codes: Int32Array, sums: Float64Array, sizes: Float64Array): number => {
      sums.fill(0);
      for (let row = 0; row < values.length; row++) sums[codes[row] ?? 0] = (sums[codes[row] ?? 0] ?? 0) + (values[row] ?? 0);
      let largest = 0;
      for (let g = 0; g < sums.length; g++) {
        const mean = (sums[g] ?? 0) / Math.max(sizes[g] ?? 1, 1);
        sums[g] = mean;
        largest = Math.max(largest, Math.abs(mean));
      }
      for (let row = 0; row < values.length; row++) values[row] = (values[row] ?? 0) - (sums[codes[row] ?? 0] ?? 0);
      return largest;
    };
    let sweep = 0;
    for (; sweep < maxSweeps; sweep++) {
      const unitShift = removeMeans(unit.codes, unitSums, unitSizes);
      const timeShift = removeMeans(time.codes, timeSums, timeSizes);
      if (sweep > 0 && Math.max(unitShift, timeShift) <= limit) break;
    }
    if (sweep >= maxSweeps) converged = false;
    sweeps = Math.max(sweeps, sweep + 1);
    return values;
  });
  return { columns: output, sweeps, converged };
}
