import { WASI, type Fd } from '@bjorn3/browser_wasi_shim';

const utf8 = new TextEncoder();

/**
 * The shim's WASI with our corrections. This is the extension point for the deterministic clock,
 * seeded randomness and fuel accounting that come later.
 */
export class GuestWasi extends WASI {
  constructor(args: string[], env: string[], fds: Fd[]) {
    // The shim logs every call unless told not to.
    super(args, env, fds, { debug: false });
    // The shim sizes argv by UTF-16 length but writes UTF-8, so non-ASCII args would overrun the guest's buffer.
    this.wasiImport['args_sizes_get'] = (argcPtr: number, argvBufSizePtr: number): number => {
      const view = new DataView(this.inst.exports.memory.buffer);
      view.setUint32(argcPtr, this.args.length, true);
      view.setUint32(argvBufSizePtr, this.args.reduce((sum, arg) => sum + utf8.encode(arg).length + 1, 0), true);
      return 0;
    };
  }
}
