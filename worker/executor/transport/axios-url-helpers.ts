import buildFullPathUntyped from 'axios/unsafe/core/buildFullPath.js';
import buildURLUntyped from 'axios/unsafe/helpers/buildURL.js';
import type { InternalAxiosRequestConfig } from 'axios';

/*
 * axios' own URL helpers, which axios exports for adapters under `unsafe/`
 * (without types). `axios.getUri(config)` does the same but merges the config
 * with the defaults again on every call: work repeated on every request.
 */

const buildFullPath = buildFullPathUntyped as (
  baseURL: string | undefined,
  url: string | undefined,
  allowAbsoluteUrls: boolean | undefined,
  config: InternalAxiosRequestConfig,
) => string;

const buildURL = buildURLUntyped as (
  url: string,
  params: unknown,
  paramsSerializer: InternalAxiosRequestConfig['paramsSerializer'],
) => string;

/** The request's full URL as axios' Node adapter builds it: baseURL, url, params, paramsSerializer. */
export function requestUrl(config: InternalAxiosRequestConfig): string {
  const fullPath = buildFullPath(config.baseURL, config.url, config.allowAbsoluteUrls, config);
  return buildURL(fullPath, config.params, config.paramsSerializer);
}
