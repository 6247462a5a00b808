import type { AssetDefinition, ResourceId } from "../../model/definitions";
import { producedResources } from "../../model/columnCatalog";
import { upperBound } from "./sortedLists";

/**
 * Which assets produce each table or resource (AL003 asks it for every read), kept in the
 * definitions' order so "the producer" of a resource is the same whether the index was built
 * in one go or patched edit by edit. Each asset's produced resources are computed once.
 */
export class ProducerIndex {
  private producers = new Map<ResourceId, AssetDefinition[]>();
  private readonly produced = new WeakMap<AssetDefinition, readonly ResourceId[]>();

  constructor(private readonly order: (a: AssetDefinition, b: AssetDefinition) => number) {}

  /** The resources an asset produces (memoised per definition object). */
  readonly producedResources = (asset: AssetDefinition): readonly ResourceId[] => {
    let resources = this.produced.get(asset);
    if (!resources) {
      resources = producedResources(asset);
      this.produced.set(asset, resources);
    }
    return resources;
  };

  /** The producers of `resource`, in the definitions' order; undefined when none. */
  producersOf(resource: ResourceId): readonly AssetDefinition[] | undefined {
    return this.producers.get(resource);
  }

  /** The index of `assets` (already in the definitions' order), from scratch. */
  reset(assets: readonly AssetDefinition[]): void {
    this.producers = new Map();
    for (const asset of assets) {
      for (const resource of this.producedResources(asset)) {
        const list = this.producers.get(resource);
        if (list) list.push(asset);
        else this.producers.set(resource, [asset]);
      }
    }
  }

  /** Adds (+1) or removes (-1) an asset; returns the resources it produces. */
  update(asset: AssetDefinition, sign: 1 | -1): readonly ResourceId[] {
    const produced = this.producedResources(asset);
    for (const resource of produced) {
      const list = this.producers.get(resource);
      if (sign > 0) {
        if (!list) this.producers.set(resource, [asset]);
        else list.splice(upperBound(list, asset, this.order), 0, asset);
      } else if (list) {
        const at = list.indexOf(asset);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) this.producers.delete(resource);
      }
    }
    return produced;
  }
}
