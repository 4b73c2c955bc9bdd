/**
 * Python's os.register_at_fork (3.7): callables run around every os.fork(), what a library that
 * imports this package uses to prepare for children (@lsbaws/wsgi does its first-time work there,
 * once, before the first fork). As in Python: `before` callables in reverse order of registration,
 * in the parent before fork(); `after_in_parent` and `after_in_child` in order of registration.
 */
type Hook = () => void;

const hooks = { before: [] as Hook[], after_in_parent: [] as Hook[], after_in_child: [] as Hook[] };

/** os.register_at_fork(*, before, after_in_parent, after_in_child): at least one of them. */
export function register_at_fork(callables: { before?: Hook; after_in_parent?: Hook; after_in_child?: Hook }): void {
  const given = (Object.keys(hooks) as Array<keyof typeof hooks>).filter((when) => callables[when] !== undefined);
  if (given.length === 0) throw new TypeError('At least one argument is required.');
  for (const when of given) {
    const hook = callables[when];
    if (typeof hook !== 'function') throw new TypeError(`'${when}' must be callable, not ${typeof hook}`);
    hooks[when].push(hook);
  }
}

/** In the parent, before fork(): the `before` callables, the last registered first. */
export function runBeforeFork(): void {
  for (let i = hooks.before.length - 1; i >= 0; i--) hooks.before[i]?.();
}

/** In the parent, after fork(). */
export function runAfterForkInParent(): void {
  for (const hook of hooks.after_in_parent) hook();
}

/** In the child, after the other steps. */
export function runAfterForkInChild(): void {
  for (const hook of hooks.after_in_child) hook();
}
