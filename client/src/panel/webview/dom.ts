// Element builders for the panel's page. Text always goes in as text nodes (never as HTML): log
// lines, table names and error messages come from the script and the database.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

function apply(node: Element, attributes: Attributes, children: Child[]): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, attributes, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  apply(node, attributes, children);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The panel page has no #${id}: the HTML builder and the script disagree.`);
  return node as T;
}

/** A button that posts when pressed (a real <button>: Enter and Space work, and it takes focus). */
export function button(label: string, onPress: () => void, attributes: Attributes = {}): HTMLButtonElement {
  const node = h('button', { type: 'button', ...attributes }, label);
  node.addEventListener('click', onPress);
  return node;
}

/** A two-column table of label/value rows. */
export function definitionList(rows: [string, Child][], attributes: Attributes = {}): HTMLDListElement {
  const list = h('dl', attributes);
  // A div per pair (valid in a <dl>): the pairs lay out as one grid cell each.
  for (const [label, value] of rows) list.append(h('div', { class: 'pair' }, h('dt', {}, label), h('dd', {}, value)));
  return list;
}

export function table(headers: string[], rows: Child[][], attributes: Attributes = {}): HTMLTableElement {
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}
