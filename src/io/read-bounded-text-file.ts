import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { GoodputError } from "../errors.js";

/** Config-like files (scenarios, experiments, catalogs, model configs, decision rules) are kilobytes; 16 MiB is far past any. */
export const defaultMaxConfigBytes = 16 * 2 ** 20;

/**
 * Reads a small text file (UTF-8) after checking that it is a regular file no larger than `maxBytes`: /dev/zero, a FIFO
 * or a folder would otherwise block or fill memory. The size is checked on the opened descriptor and the read is capped,
 * so a file that grows while being read cannot exceed the bound either. Errors name the file and say what to pass.
 */
export function readBoundedTextFile(path: string, options: { readonly what: string; readonly maxBytes?: number } = { what: "file" }): string {
  const maxBytes = options.maxBytes ?? defaultMaxConfigBytes;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new GoodputError("FILE_NOT_FOUND", `Cannot read "${path}": no such file (check the path).`, { where: path });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? "a folder" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : stat.isFIFO() ? "a pipe" : stat.isSocket() ? "a socket" : "not a regular file";
      throw new GoodputError("BAD_FILE", `${path}: is ${kind}, not a regular file; pass the ${options.what} as a file on disk.`, { where: path });
    }
    if (stat.size > maxBytes) {
      throw new GoodputError("BAD_FILE", `${path}: ${stat.size.toLocaleString("en-US")} bytes is larger than a ${options.what} can be (at most ${maxBytes.toLocaleString("en-US")} bytes); check that this is the right file.`, { where: path });
    }
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) throw new GoodputError("BAD_FILE", `${path}: grew past ${maxBytes.toLocaleString("en-US")} bytes while being read; pass a finished ${options.what}.`, { where: path });
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
