package dev.gatehouse.web.settings.backupcodes;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.BackupCodeService;
import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.backupcode.BackupCodeSecondFactor;
import dev.gatehouse.factor.backupcode.BackupCodes;
import dev.gatehouse.web.settings.SecurityTabCard;

/** The Security tab's backup-codes card: how many of the set are left. */
@Component
public class BackupCodesCard implements SecurityTabCard {

    /** How many codes are left of how many. */
    public record Left(int left, int count) {
    }

    private final BackupCodeService backupCodes;

    BackupCodesCard(BackupCodeService backupCodes) {
        this.backupCodes = backupCodes;
    }

    @Override
    public FactorType type() {
        return BackupCodeSecondFactor.TYPE;
    }

    @Override
    public Object view(UUID userId) {
        return new Left(backupCodes.remaining(userId), BackupCodes.COUNT);
    }
}
