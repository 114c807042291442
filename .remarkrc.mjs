// `npm run lint:docs` (remark-cli): every relative link and #anchor in the repository's markdown
// must name a file and a heading that exist, with GitHub's slugs. Offline: links to other sites
// are not followed.
import remarkGfm from 'remark-gfm'
import remarkValidateLinks from 'remark-validate-links'
import { visit } from 'unist-util-visit'

/**
 * An `<a id="…">` (or `name`) in the markdown is an anchor too, as on GitHub: the API reference
 * (docs/api/, TypeDoc) puts one before each heading and in each row of its tables.
 */
function htmlAnchors() {
  return (tree) => {
    visit(tree, 'html', (node, index, parent) => {
      const ids = [...node.value.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((m) => m[1])
      // remark-validate-links reads an anchor from a node's data.hProperties.id: one per node,
      // so each goes into an empty node of its own after this one.
      const anchors = ids.map((id) => ({ type: 'html', value: '', data: { hProperties: { id } } }))
      if (anchors.length) parent.children.splice(index + 1, 0, ...anchors)
      return index + anchors.length + 1
    })
  }
}

export default {
  plugins: [remarkGfm, htmlAnchors, [remarkValidateLinks, { repository: false }]],
}
