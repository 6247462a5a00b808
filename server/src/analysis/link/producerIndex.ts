import type { AssetDefinition, ResourceId } from "../../model/definitions";
import { ownResource, producedResources } from "../../model/columnCatalog";
import { upperBound } from "./sortedLists";

/**
 * Which assets produce each table or resource (AL003 asks it for every read), kept in the
 * definitions' order so "the producer" of a resource is the same whether the index was built
 * in one go or patched edit by edit.
 */
export class ProducerIndex {
  private producers = new Map<ResourceId, AssetDefinition[]>();

  constructor(private readonly order: (a: AssetDefinition, b: AssetDefinition) => number) {}

  /**
   * The resources an asset produces. Not memoised per definition: the table of a key is
   * memoised already, and a weak map entry per definition cost more than the rest.
   */
  readonly producedResources = (asset: AssetDefinition): readonly ResourceId[] => producedResources(asset);

  /**
   * The producers of `resource`, in the definitions' order; undefined when none. A function of its
   * own, handed to AL003 as it is: it runs for every read, and each wrapper was another call there.
   */
  readonly producersOf = (resource: ResourceId): readonly AssetDefinition[] | undefined => this.producers.get(resource);

  /** The index of `assets` (already in the definitions' order), from scratch. */
  reset(assets: readonly AssetDefinition[]): void {
    const producers = (this.producers = new Map());
    // Indexed loops: see WorkspaceLinker.checkEveryDefinition.
    // The resources of producedResources, without its list per asset, each asset once per resource
    // (seen again, it is the last of that list already). Writes first: the scan gives a table one
    // resource string for all its mentions, so a resource an asset writes is keyed by the string
    // AL003's reads look up with, found by identity, where the own table's string (ownResource),
    // equal but another string, would be compared character by character at every read.
    for (let i = 0; i < assets.length; i++) {
      const asset = assets[i]!;
      const writes = asset.writes;
      for (let j = 0; j < writes.length; j++) addProducer(producers, writes[j]!.resource, asset);
      const own = ownResource(asset);
      if (own !== undefined) addProducer(producers, own, asset);
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

function addProducer(
  producers: Map<ResourceId, AssetDefinition[]>,
  resource: ResourceId,
  asset: AssetDefinition,
): void {
  const list = producers.get(resource);
  if (!list) producers.set(resource, [asset]);
  else if (list[list.length - 1] !== asset) list.push(asset);
}
