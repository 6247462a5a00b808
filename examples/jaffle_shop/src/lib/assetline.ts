// The project's single import point for Assetline. Project-wide conventions (default
// owners, naming helpers) can live here later without touching every model.
export { asset, check, sql } from "assetline";
