// The console's form fields, built from small tables rather than written out once each in
// console.html: a label and its input in a Bootstrap column. Built with the DOM, no markup
// strings (CSP: no inline script or HTML from data).

/**
 * A labelled input: { id, label, column, small, input: attributes of the <input> }.
 * `small` gives the compact form controls of the search bar.
 */
export function formField({ id, label, column, small = false, input }) {
  const wrapper = document.createElement('div');
  wrapper.className = column;
  const labelElement = document.createElement('label');
  labelElement.htmlFor = id;
  labelElement.className = small ? 'form-label small' : 'form-label';
  labelElement.textContent = label;
  const inputElement = document.createElement('input');
  inputElement.id = id;
  inputElement.className = small ? 'form-control form-control-sm' : 'form-control';
  for (const [name, value] of Object.entries(input)) {
    if (value === true) inputElement.setAttribute(name, '');
    else inputElement.setAttribute(name, value);
  }
  wrapper.append(labelElement, inputElement);
  return wrapper;
}

/** The sign-in form's fields. */
export const SIGN_IN_FIELDS = [
  {
    id: 'email',
    label: 'Email',
    column: 'mb-3',
    input: { name: 'email', type: 'email', autocomplete: 'username', required: true },
  },
  {
    id: 'password',
    label: 'Password',
    column: 'mb-3',
    input: { name: 'password', type: 'password', autocomplete: 'current-password', required: true },
  },
];

/**
 * The search form's fields, each a query parameter of GET /logs/search (name, q) or a local
 * time the query sends as ISO 8601 (from, to).
 */
export const SEARCH_FIELDS = [
  { param: 'name', label: 'Name', column: 'col-12 col-md-3', input: {} },
  { param: 'q', label: 'Text in data', column: 'col-12 col-md-3', input: { type: 'search' } },
  { param: 'from', label: 'From', column: 'col-6 col-md-2', input: { type: 'datetime-local' } },
  { param: 'to', label: 'To', column: 'col-6 col-md-2', input: { type: 'datetime-local' } },
].map((field) => ({
  ...field,
  id: `search-${field.param}`,
  small: true,
  input: { name: field.param, ...field.input },
}));
