package dev.gatehouse.factor.backupcode;

import java.util.Optional;
import java.util.UUID;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.BackupCodeUse;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.IssuedBackupCodes;
import dev.gatehouse.factor.MethodTraits;
import dev.gatehouse.factor.PendingStep;
import dev.gatehouse.factor.SecondFactorMethod;

/**
 * Backup codes as sign-in and the Security tab see them: not a method of their own ({@link MethodTraits#standalone()}
 * is false) but the way back in when no method is at hand. They come with the first method and go with the last;
 * "enrolling" them again replaces the set. A typed backup code counts towards the same lockout as every other code.
 */
@Component
@Order(90)
public class BackupCodeSecondFactor implements SecondFactorMethod {

    public static final FactorType TYPE = new FactorType("BACKUP_CODE");

    private static final MethodTraits TRAITS = new MethodTraits("Backup codes", "otp", false,
            MethodTraits.Answer.TYPED_CODE, false, false, "/signin/backup-code", "settings/methods :: backup");

    private final BackupCodeService backupCodes;

    BackupCodeSecondFactor(BackupCodeService backupCodes) {
        this.backupCodes = backupCodes;
    }

    @Override
    public FactorType type() {
        return TYPE;
    }

    @Override
    public MethodTraits traits() {
        return TRAITS;
    }

    @Override
    public boolean activeFor(UUID userId) {
        return backupCodes.remaining(userId) > 0;
    }

    @Override
    public java.util.OptionalInt remaining(UUID userId) {
        return java.util.OptionalInt.of(backupCodes.remaining(userId));
    }

    @Override
    public String auditName() {
        return "backup code";
    }

    /** 14 letters and digits (any grouping) can only be a backup code: no other method's answer looks like it. */
    @Override
    public boolean claims(String answer) {
        return BackupCodes.normalize(answer).isPresent();
    }

    @Override
    public Start startVerification(Attempt attempt, Send send) {
        return activeFor(attempt.user().id()) ? new Start.Ready(null, new Prompt.EnterCode(null))
                : new Start.Refused("factor.notActive");
    }

    @Override
    public Finish finishVerification(Attempt attempt, PendingStep pending, String answer) {
        BackupCodeUse use = backupCodes.use(attempt.user(), answer, attempt.client());
        return use instanceof BackupCodeUse.Refused refused ? new Finish.Refused(refused.why())
                : Finish.Proved.verified(null);
    }

    /** Nothing to prepare: a new set is made when the user confirms they want one. */
    @Override
    public Start startEnrollment(Setup setup, PendingStep previous) {
        return new Start.Ready(null, new Prompt.EnterCode(null));
    }

    /**
     * Replaces the user's set (the old codes stop working at once), audited and announced by email; a problem when
     * they have no method; the user's other sessions end with the old set ({@link BackupCodeService#regenerate}).
     * Like every finish of a setup, only behind "Confirm it's you".
     */
    @Override
    public Finish finishEnrollment(Setup setup, PendingStep pending, String answer) {
        Optional<IssuedBackupCodes> issued = backupCodes.regenerate(setup.user(), setup.client());
        return issued.<Finish>map(codes -> new Finish.Proved(null, codes, false))
                .orElseGet(() -> new Finish.Problem("backupCodes.noMethod"));
    }
}
