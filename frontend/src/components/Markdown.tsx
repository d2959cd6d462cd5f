// Entries, AI replies and profiles are written in Markdown (CommonMark with GitHub's tables, task
// lists and strikethrough; a line break is kept). Raw HTML in the text is dropped, never rendered; react-markdown also
// drops unsafe link targets (javascript: and the like).
import ReactMarkdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";

interface Props {
  text: string;
  className?: string;
  /** Inside a card that is itself a link: links are shown as text (a link may not hold another). */
  inLink?: boolean;
}

// A journal is written line by line: a single line break stays one (remark-breaks).
const PLUGINS = [remarkGfm, remarkBreaks];

// Links leave the app in a new tab, telling the other site nothing about the page they came from.
const LINKS: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
};

const LINKS_AS_TEXT: Components = {
  a: ({ children }) => <span className="md-link">{children}</span>,
};

export default function Markdown({ text, className, inLink = false }: Props) {
  return (
    <div className={className ? `markdown ${className}` : "markdown"}>
      <ReactMarkdown remarkPlugins={PLUGINS} skipHtml components={inLink ? LINKS_AS_TEXT : LINKS}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
