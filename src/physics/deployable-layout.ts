import type { GpuSpec } from "../catalog/types.js";

/** GPUs in one server: the HGX / OAM baseboards (8 × A100/H100/H200/B200 SXM, 8 × MI300X) and typical PCIe servers. */
export const gpusPerNode = 8;

export interface DeployableLayout {
  /** GPUs the weights need at minimum. */
  readonly gpusNeeded: number;
  /** GPUs to deploy: a power of two up to one node, whole nodes beyond. */
  readonly gpus: number;
  readonly nodes: number;
  /** True when every GPU of the layout shares one NVLink / Infinity Fabric domain. */
  readonly withinFastDomain: boolean;
  readonly description: string;
}

/** Whether the GPU's peer link is a switched fabric across the node (NVLink, Infinity Fabric) rather than PCIe. */
export function hasNodeFabric(gpu: GpuSpec): boolean {
  return /nvlink|infinity fabric/i.test(gpu.interconnectName);
}

/**
 * A layout engines can run: tensor / expert parallel degrees are powers of two that divide the
 * heads and experts, so within a node the GPU count rounds up to a power of two (9 → 16 is two
 * nodes, never "9 on NVLink"); beyond one node it is whole nodes, linked by the network.
 */
export function deployableLayout(gpusNeeded: number, gpu: GpuSpec): DeployableLayout {
  const needed = Math.max(1, Math.ceil(gpusNeeded));
  const fabric = hasNodeFabric(gpu);
  if (needed <= gpusPerNode) {
    const gpus = 2 ** Math.ceil(Math.log2(needed));
    return {
      gpusNeeded: needed,
      gpus,
      nodes: 1,
      withinFastDomain: fabric || gpus === 1,
      description: `${gpus} × ${gpu.id} in one node${gpus > 1 ? (fabric ? ` on ${gpu.interconnectName.split(" (")[0] ?? "NVLink"}` : " over PCIe (no NVLink: all-to-all crosses PCIe)") : ""}`,
    };
  }
  const nodes = 2 ** Math.ceil(Math.log2(Math.ceil(needed / gpusPerNode)));
  return {
    gpusNeeded: needed,
    gpus: nodes * gpusPerNode,
    nodes,
    withinFastDomain: false,
    description: `${nodes} nodes × ${gpusPerNode} ${gpu.id} (${nodes * gpusPerNode} GPUs): ${fabric ? "NVLink within each node, " : ""}the network between nodes carries the cross-node all-to-all (the link rate defaults to ${gpu.interconnectName.split(" (")[0] ?? "the GPU link"}; pass the per-GPU network rate, e.g. --link-gbyte-s 50 for 400 Gb/s InfiniBand)`,
  };
}
