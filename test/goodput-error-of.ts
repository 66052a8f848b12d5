import { GoodputError } from "../src/errors.js";

/** The GoodputError `run` throws; fails the test when it throws nothing or something else. */
export function goodputErrorOf(run: () => unknown): GoodputError {
  try {
    run();
  } catch (error) {
    if (error instanceof GoodputError) return error;
    throw error;
  }
  throw new Error("expected a GoodputError");
}

/** The GoodputError `run` rejects with (async commands and library calls). */
export async function goodputErrorOfAsync(run: () => unknown): Promise<GoodputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GoodputError) return error;
    throw error;
  }
  throw new Error("expected a GoodputError");
}
