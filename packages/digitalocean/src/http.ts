/**
 * The axios instance under dots-wrapper: the shared rate budget is taken before every request
 * and DO's rate-limit headers are read from every response, success or error.
 */
import axios, { type AxiosInstance, isAxiosError } from "axios";
import { modules } from "dots-wrapper";
import type { Clock } from "./clock";
import type { RateBudget } from "./rate-budget";

export interface HttpCounters {
  requests: number;
}

export function createHttpClient(options: {
  endpoint: string;
  token: string;
  timeoutMs: number;
  budget: RateBudget;
  clock: Clock;
  counters: HttpCounters;
}): AxiosInstance {
  const { clock } = options;
  const http = axios.create({
    baseURL: options.endpoint,
    timeout: options.timeoutMs,
    headers: { Authorization: `Bearer ${options.token}`, "Content-Type": "application/json" },
  });
  http.interceptors.request.use(async (config) => {
    await options.budget.acquire();
    options.counters.requests++;
    clock.enterBusy?.();
    return config;
  });
  http.interceptors.response.use(
    (response) => {
      clock.leaveBusy?.();
      options.budget.observe(response.headers);
      return response;
    },
    (error: unknown) => {
      clock.leaveBusy?.();
      // Called even without an answer, so a first request that failed frees the next one.
      options.budget.observe(isAxiosError(error) && error.response ? error.response.headers : {});
      return Promise.reject(error);
    },
  );
  return http;
}

/** dots-wrapper's API over our own axios instance (dots-wrapper's documented way to bring one). */
export function createDots(http: AxiosInstance, endpoint: string, token: string) {
  const createContext = (() => Object.freeze({ endpoint, httpClient: http })) as never;
  return modules.common.createApiClient({ modules, createContext })({ token, endpoint });
}

export type Dots = ReturnType<typeof createDots>;
