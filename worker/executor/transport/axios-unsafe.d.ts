// axios exports these helpers for adapters, without type declarations.
declare module 'axios/unsafe/core/buildFullPath.js' {
  const buildFullPath: unknown;
  export default buildFullPath;
}
declare module 'axios/unsafe/helpers/buildURL.js' {
  const buildURL: unknown;
  export default buildURL;
}
