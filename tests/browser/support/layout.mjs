// The page header's layout as a phone test reads it (phone.test.mjs, auth.test.mjs).

/** Rows the header's visible children form, and those whose own text wrapped. */
export async function headerLayout(page) {
  return page.evaluate(() => {
    const kids = [...document.querySelector('header.top').children].filter((k) => k.getClientRects().length > 0);
    const boxes = kids.map((k) => ({ k, r: k.getBoundingClientRect() })).sort((a, b) => a.r.top - b.r.top);
    let rows = 0;
    let bottom = -Infinity;
    for (const { r } of boxes) {
      if (r.top >= bottom - 1) {
        rows += 1;
        bottom = r.bottom;
      } else bottom = Math.max(bottom, r.bottom);
    }
    const wrapped = boxes
      .filter(({ k, r }) => r.height > 1.8 * parseFloat(getComputedStyle(k).lineHeight))
      .map(({ k }) => k.className);
    return { rows, wrapped };
  });
}
