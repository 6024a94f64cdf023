import { hrefOf } from './route.js';

/**
 * The filters of the executions list, as URL query parameters (and API query
 * parameters). `limit` (the page size) has no control: a URL may set it.
 */
export const FILTER_NAMES = [
  'state',
  'queue',
  'origin',
  'status_code',
  'q',
  'since',
  'limit',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type Filters = Record<FilterName, string>;

/** The filters a route's query holds ('' for each not given). */
export function filtersOf(query: URLSearchParams): Filters {
  const filters = {} as Filters;
  for (const name of FILTER_NAMES) filters[name] = query.get(name) ?? '';
  return filters;
}

/** Opens the list with `filters` (a new history entry: Back goes to the previous filters). */
function show(filters: Filters): void {
  location.hash = hrefOf(['executions'], filters);
}

const TEXT_FILTERS: { name: FilterName; label: string; placeholder: string }[] = [
  { name: 'queue', label: 'Queue', placeholder: 'any' },
  { name: 'origin', label: 'Origin', placeholder: 'https://host:443' },
  { name: 'status_code', label: 'Status code', placeholder: '500' },
  { name: 'q', label: 'Search', placeholder: 'URL or message' },
];

/** The filter controls: each change lands in the URL, which the list reads. */
export function ExecutionFilters({ filters }: { filters: Filters }) {
  const set = (name: FilterName, value: string): void => show({ ...filters, [name]: value });
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        State
        <select value={filters.state} onChange={(e) => set('state', e.currentTarget.value)}>
          <option value="">any</option>
          <option value="completed">completed</option>
          <option value="failed">failed</option>
          <option value="cancelled">cancelled</option>
        </select>
      </label>
      {TEXT_FILTERS.map(({ name, label, placeholder }) => (
        <label key={name}>
          {label}
          <input
            type="text"
            placeholder={placeholder}
            value={filters[name]}
            onChange={(e) => set(name, e.currentTarget.value.trim())}
          />
        </label>
      ))}
      <label>
        Since
        <select value={filters.since} onChange={(e) => set('since', e.currentTarget.value)}>
          <option value="">any time</option>
          <option value="15m">15 minutes</option>
          <option value="1h">1 hour</option>
          <option value="24h">24 hours</option>
          <option value="7d">7 days</option>
        </select>
      </label>
    </form>
  );
}
