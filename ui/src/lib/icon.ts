// The app icon, bundled from icons/ so there is one source of truth for it.
import iconUrl from "../../../icons/128x128@2x.png";

export const ICON_URL: string = iconUrl;
