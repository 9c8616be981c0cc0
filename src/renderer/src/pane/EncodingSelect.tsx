// The one text-encoding picker (view encoding, send encoding, a rule's match/reply encoding).
import { textEncodings, type TextEncoding } from '../../../shared/encodings'

export function EncodingSelect({
  label,
  value,
  onChange,
  className
}: {
  label: string
  value: TextEncoding
  onChange(e: TextEncoding): void
  className?: string
}) {
  return (
    <select className={className} aria-label={label} title={label} value={value} onChange={(e) => onChange(e.target.value as TextEncoding)}>
      {textEncodings.map((enc) => (
        <option key={enc} value={enc}>
          {enc.toUpperCase()}
        </option>
      ))}
    </select>
  )
}
