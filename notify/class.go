package notify

// Class says what failed in a delivery, in a word that stays the same
// whatever a server answered: the outbox keeps it at the start of the
// error ("[smtp-auth] channel mail: …"), and the office's digest explains
// it in Chinese (render.Explain) instead of showing the operator's error
// text.
type Class string

// The classes of failed deliveries.
const (
	ClassSMTPConnect   Class = "smtp-connect"   // no connection to the mail server, or it broke
	ClassSMTPTLS       Class = "smtp-tls"       // STARTTLS, TLS handshake or certificate
	ClassSMTPAuth      Class = "smtp-auth"      // the server refused the login
	ClassSMTPSender    Class = "smtp-sender"    // MAIL FROM refused
	ClassSMTPRecipient Class = "smtp-recipient" // RCPT TO refused
	ClassSMTPMessage   Class = "smtp-message"   // the message refused at DATA
	ClassAddress       Class = "address"        // a recipient address remindd cannot send to
	ClassRobotConnect  Class = "robot-connect"  // no connection to the robot's server, or no answer in time
	ClassRobotTLS      Class = "robot-tls"      // the robot server's certificate
	ClassRobotKey      Class = "robot-key"      // the robot's key or token is wrong, or the robot is gone
	ClassRobotSecurity Class = "robot-security" // signature, keywords or IP allow-list of the robot
	ClassRobotRate     Class = "robot-rate"     // the robot's rate limit
	ClassRobotServer   Class = "robot-server"   // the robot's server failed (HTTP 5xx, busy)
	ClassRobotRefused  Class = "robot-refused"  // the robot refused the message for another reason
	ClassRobotAnswer   Class = "robot-answer"   // an answer that is not the vendor's
	ClassFile          Class = "file"           // the file channel could not write
	ClassMessage       Class = "message"        // the message could not be built
	ClassInterrupted   Class = "interrupted"    // not sent: remindd was stopping
)
