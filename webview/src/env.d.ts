// esbuild bundles the style sheet imported by main.ts into dist/webview/lineage.css.
declare module "*.css";
