import ExportPanel from "./ExportPanel";
import ProfilePanel from "./ProfilePanel";

/** The AI-written profile and every way to take one's writing home. */
export default function ProfilePage() {
  return (
    <main className="page">
      <h1 className="page-title">Profile &amp; export</h1>
      <ProfilePanel />
      <ExportPanel />
    </main>
  );
}
